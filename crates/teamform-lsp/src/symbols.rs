//! Every key of a policy and every reference to one, with its span: what hovers, go to
//! definition, find references and completion work from. The model keeps these spans; this
//! module only enumerates them, in one place.

use std::borrow::Cow;
use teamform_diagnostics::{FileId, Span};
use teamform_model::Policy;

/// What a key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A team (`[team.KEY]`).
    Team,
    /// A role (`[role.KEY]`).
    Role,
    /// A user (`[user."EMAIL"]`).
    User,
    /// An asset, keyed as `TYPE.KEY`.
    Asset,
}

impl KeyKind {
    /// The word for it in messages.
    pub fn noun(self) -> &'static str {
        match self {
            KeyKind::Team => "team",
            KeyKind::Role => "role",
            KeyKind::User => "user",
            KeyKind::Asset => "asset",
        }
    }
}

/// A key as written somewhere: at its definition or in a reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence<'p> {
    /// What it names.
    pub kind: KeyKind,
    /// The key (`TYPE.KEY` for assets).
    pub key: Cow<'p, str>,
    /// Where it is written.
    pub span: Span,
    /// Whether this is the definition rather than a reference.
    pub definition: bool,
}

/// Calls `f` with every definition and reference of `policy`, in policy order.
pub fn visit<'p>(policy: &'p Policy, f: &mut dyn FnMut(Occurrence<'p>)) {
    let mut emit = |kind, key: &'p str, span, definition| {
        f(Occurrence {
            kind,
            key: Cow::Borrowed(key),
            span,
            definition,
        });
    };
    for team in &policy.teams {
        emit(KeyKind::Team, &team.key.value, team.key.span, true);
        if let Some(parent) = &team.parent {
            emit(KeyKind::Team, &parent.value, parent.span, false);
        }
    }
    for role in &policy.roles {
        emit(KeyKind::Role, &role.key.value, role.key.span, true);
    }
    for user in &policy.users {
        emit(KeyKind::User, &user.key.value, user.key.span, true);
        if let Some(role) = &user.role {
            emit(KeyKind::Role, &role.value, role.span, false);
        }
        for team in user.team.iter().chain(&user.teams) {
            emit(KeyKind::Team, &team.value, team.span, false);
        }
    }
    for asset in &policy.assets {
        for team in &asset.teams {
            emit(KeyKind::Team, &team.value, team.span, false);
        }
    }
    let guardrails = &policy.guardrails;
    for user in &guardrails.protected_users {
        emit(KeyKind::User, &user.value, user.span, false);
    }
    for asset in &guardrails.public_assets {
        emit(KeyKind::Asset, &asset.value, asset.span, false);
    }
    for rule in &guardrails.deny {
        if let Some(team) = &rule.members_of {
            emit(KeyKind::Team, &team.value, team.span, false);
        }
        for role in &rule.unless_roles {
            emit(KeyKind::Role, &role.value, role.span, false);
        }
    }
    // Asset keys are `TYPE.KEY`, which no single value holds: they are built here.
    for asset in &policy.assets {
        f(Occurrence {
            kind: KeyKind::Asset,
            key: Cow::Owned(asset.reference()),
            span: asset.key.span,
            definition: true,
        });
    }
}

/// The occurrence written at byte `offset` of `file` (the end of a key counts as on it).
pub fn at(policy: &Policy, file: FileId, offset: u32) -> Option<Occurrence<'_>> {
    let mut found: Option<Occurrence<'_>> = None;
    visit(policy, &mut |o| {
        let on = o.span.file == file && o.span.start <= offset && offset <= o.span.end;
        if on
            && found
                .as_ref()
                .is_none_or(|f| o.span.end - o.span.start < f.span.end - f.span.start)
        {
            found = Some(o);
        }
    });
    found
}

/// Where `key` of `kind` is defined.
pub fn definition(policy: &Policy, kind: KeyKind, key: &str) -> Option<Span> {
    let mut found = None;
    visit(policy, &mut |o| {
        if found.is_none() && o.definition && o.kind == kind && o.key == key {
            found = Some(o.span);
        }
    });
    found
}

/// Every place where `key` of `kind` is written: its references, and its definition first
/// when `with_definition`.
pub fn references(policy: &Policy, kind: KeyKind, key: &str, with_definition: bool) -> Vec<Span> {
    let mut definitions = Vec::new();
    let mut references = Vec::new();
    visit(policy, &mut |o| {
        if o.kind == kind && o.key == key {
            if !o.definition {
                references.push(o.span);
            } else if with_definition {
                definitions.push(o.span);
            }
        }
    });
    definitions.extend(references);
    definitions
}

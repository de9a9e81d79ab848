//! Moving the spans of a policy after an edit of one of its files: every span after the
//! edited bytes moves with them, so that an editor can re-read only the tables an edit touched
//! and keep everything else as it was.

use crate::types::*;
use teamform_diagnostics::Span;

/// Values holding spans, which can visit each of them.
pub trait Spans {
    /// Calls `f` on every span of the value.
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span));
}

impl Spans for Span {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self);
    }
}

impl<T> Spans for Sp<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
    }
}

impl<T: Spans> Spans for Option<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(value) = self {
            value.spans_mut(f);
        }
    }
}

impl<T: Spans> Spans for Vec<T> {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for value in self {
            value.spans_mut(f);
        }
    }
}

/// A pair such as a portal's `(Hub, Sp<Tier>)`: the spans of its second part.
impl<A, B: Spans> Spans for (A, B) {
    fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.1.spans_mut(f);
    }
}

/// Visits the listed fields of a struct, in order.
macro_rules! spans_of {
    ($type:ty: $($field:ident),*) => {
        impl Spans for $type {
            fn spans_mut(&mut self, f: &mut dyn FnMut(&mut Span)) {
                $(self.$field.spans_mut(f);)*
            }
        }
    };
}

spans_of!(Portal: span, name, tiers, seats, provider);
spans_of!(Team: key, span, name, parent, description, id, previously);
spans_of!(CrmGrant: span, view, edit, delete);
spans_of!(ToolGrant: span, actions);
spans_of!(Role: key, span, name, description, id, previously, crm, tools, account);
spans_of!(User: key, span, name, role, team, teams, super_admin, seats, expires, id);
spans_of!(Asset: key, span, name, teams, id);
spans_of!(DenyRule: span, message, permission, scope, members_of, unless_roles);
spans_of!(Guardrails: min_super_admins, max_super_admins, max_removal_ratio, protected_users,
    require_partition, public_assets, deny);

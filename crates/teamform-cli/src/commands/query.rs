//! `teamform why` and `teamform who-can`: queries on the compiled policy.

use crate::cli::PolicyArgs;
use crate::exit;
use crate::policy::{self, Loaded};
use teamform_compiler::{UserId, WhoCanTarget};
use teamform_diagnostics::{SourceMap, did_you_mean};
use teamform_model::{CrmAction, CrmObject, Tool, ToolAction};

fn valid_policy(args: &PolicyArgs) -> Result<Loaded, i32> {
    let loaded = policy::load(args).map_err(|e| super::usage_error(&e))?;
    if loaded.compiled.has_errors() {
        policy::report_errors(&loaded);
        return Err(exit::INVALID);
    }
    Ok(loaded)
}

fn find_user(loaded: &Loaded, email: &str) -> Result<UserId, i32> {
    loaded.compiled.index.user(email).ok_or_else(|| {
        let emails = loaded
            .load
            .policy
            .users
            .iter()
            .map(|u| u.key.value.as_str());
        let hint =
            did_you_mean(email, emails).map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        super::usage_error(&format!("no user `{email}` in the policy{hint}"))
    })
}

fn keyword<K>(
    text: &str,
    what: &str,
    parse: fn(&str) -> Option<K>,
    names: &[&'static str],
) -> Result<K, i32> {
    parse(text).ok_or_else(|| {
        let hint = did_you_mean(text, names.iter().copied()).map_or_else(
            || format!("; one of `{}`", names.join("`, `")),
            |s| format!("; did you mean `{s}`?"),
        );
        super::usage_error(&format!("`{text}` is not a {what}{hint}"))
    })
}

fn place(sources: &SourceMap, span: Option<teamform_diagnostics::Span>) -> String {
    span.and_then(|s| sources.locate(s))
        .map_or_else(String::new, |(file, lc)| {
            format!("{file}:{}:{}", lc.line, lc.column)
        })
}

pub fn why(args: &PolicyArgs, user: &str, object: &str, action: &str) -> i32 {
    let run = || -> Result<i32, i32> {
        let loaded = valid_policy(args)?;
        let user = find_user(&loaded, user)?;
        let objects: Vec<_> = CrmObject::names().collect();
        let actions: Vec<_> = CrmAction::names().collect();
        let object = keyword(object, "CRM object", CrmObject::parse, &objects)?;
        let action = keyword(action, "CRM action", CrmAction::parse, &actions)?;
        let policy = &loaded.load.policy;
        let why = teamform_compiler::why(policy, &loaded.compiled, user, object, action);
        let email = &policy.users[user.index()].key.value;
        outln!("{email} may {action} {object}: {}", why.scope);
        let width = why
            .steps
            .iter()
            .map(|s| place(&loaded.load.sources, s.span).len())
            .max()
            .unwrap_or(0);
        for s in &why.steps {
            outln!(
                "  {:<width$}  {}",
                place(&loaded.load.sources, s.span),
                s.text
            );
        }
        Ok(exit::SUCCESS)
    };
    run().unwrap_or_else(|code| code)
}

pub fn who_can(
    args: &PolicyArgs,
    action: &str,
    object: &str,
    owned_by: Option<&str>,
    asset: Option<&str>,
) -> i32 {
    let run =
        || -> Result<i32, i32> {
            let loaded = valid_policy(args)?;
            let target = if let Some(o) = CrmObject::parse(object) {
                let actions: Vec<_> = CrmAction::names().collect();
                WhoCanTarget::Crm(
                    o,
                    keyword(action, "CRM action", CrmAction::parse, &actions)?,
                )
            } else {
                let mut names: Vec<_> = CrmObject::names().collect();
                names.extend(Tool::names());
                let tool = keyword(object, "CRM object or tool", Tool::parse, &names)?;
                let actions: Vec<_> = ToolAction::names().collect();
                WhoCanTarget::Tool(
                    tool,
                    keyword(action, "tool action", ToolAction::parse, &actions)?,
                )
            };
            if owned_by.is_some() && matches!(target, WhoCanTarget::Tool(..)) {
                return Err(super::usage_error(
                    "`--owned-by` applies to CRM objects, not tools",
                ));
            }
            let owner = owned_by.map(|o| find_user(&loaded, o)).transpose()?;
            let asset_id =
                match asset {
                    None => None,
                    Some(a) => Some(loaded.compiled.index.assets.get(a).copied().ok_or_else(
                        || {
                            let refs: Vec<&str> = loaded
                                .compiled
                                .index
                                .assets
                                .keys()
                                .map(String::as_str)
                                .collect();
                            let hint = did_you_mean(a, refs)
                                .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                            super::usage_error(&format!("no asset `{a}` in the policy{hint}"))
                        },
                    )?),
                };
            let policy = &loaded.load.policy;
            let found =
                teamform_compiler::who_can(policy, &loaded.compiled, target, owner, asset_id);
            let width = found
                .iter()
                .map(|w| policy.users[w.user.index()].key.value.len())
                .max()
                .unwrap_or(0);
            for w in &found {
                let user = &policy.users[w.user.index()];
                let name = user.name.as_ref().map_or("", |n| n.value.as_str());
                outln!("{:<width$}  {:<12}  {name}", user.key.value, w.how);
            }
            eprintln!(
                "{} user{}",
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            );
            Ok(exit::SUCCESS)
        };
    run().unwrap_or_else(|code| code)
}

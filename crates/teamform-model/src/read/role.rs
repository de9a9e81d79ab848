//! Reading a `[role.KEY]` table: CRM object scopes, tool actions and account permissions.

use super::{Reader, Value};
use crate::types::*;
use crate::vocab::*;

/// The fields of the table, as the reader accepts them.
pub const ROLE: &[&str] = &[
    "name",
    "description",
    "id",
    "previously",
    "crm",
    "tools",
    "account",
];
/// The fields of the table, as the reader accepts them.
pub const CRM_FIELDS: &[&str] = &["view", "edit", "delete"];

pub(super) fn read_role(r: &mut Reader<'_>, key: Sp<String>, value: &Value<'_>) -> Option<Role> {
    let context = format!("role `{}`", key.value);
    let table = r.table(value, &context)?;
    let mut role = Role {
        span: r.span(value.span()),
        key,
        name: None,
        description: None,
        id: None,
        previously: None,
        crm: Vec::new(),
        tools: Vec::new(),
        account: Vec::new(),
    };
    for (k, v) in table.iter() {
        let name: &str = k.get_ref().as_ref();
        let what = format!("`{name}` of {context}");
        match name {
            "name" => role.name = r.string(v, &what),
            "description" => role.description = r.string(v, &what),
            "id" => role.id = r.string(v, &what),
            "previously" => role.previously = r.string(v, &what),
            "crm" => read_crm(r, v, &context, &mut role.crm),
            "tools" => read_tools(r, v, &context, &mut role.tools),
            "account" => read_account(r, v, &context, &mut role.account),
            _ => r.unknown_field(k, &context, ROLE),
        }
    }
    if role.name.is_none() {
        r.missing(role.span, &context, "name", "\"Sales Rep\"");
    }
    Some(role)
}

fn read_crm(r: &mut Reader<'_>, v: &Value<'_>, context: &str, out: &mut Vec<CrmGrant>) {
    let Some(objects) = r.table(v, &format!("`crm` of {context}")) else {
        return;
    };
    let object_names: Vec<&'static str> = CrmObject::names().collect();
    for (ok, ov) in objects.iter() {
        let object = CrmObject::parse(ok.get_ref());
        if object.is_none() {
            r.unknown_field(ok, &format!("`crm` of {context}"), &object_names);
        }
        // The values of a misspelt object are still checked, so that the typo does not hide
        // them until the next run; the grant itself is left out.
        let here = format!("`crm.{}` of {context}", ok.get_ref());
        let Some((view, edit, delete)) = read_crm_fields(r, ov, &here) else {
            continue;
        };
        if let Some(object) = object {
            out.push(CrmGrant {
                object,
                span: r.span(extent(ov)),
                view,
                edit,
                delete,
            });
        }
    }
}

/// The bytes a table covers, its values included: the span of a table of its own
/// (`[role.KEY.crm.contacts]`) is only its header, and its values lie below it.
fn extent(v: &Value<'_>) -> std::ops::Range<usize> {
    let mut range = v.span();
    if let toml::de::DeValue::Table(t) = v.get_ref() {
        for (k, fv) in t.iter() {
            range.start = range.start.min(k.span().start);
            range.end = range.end.max(fv.span().end);
        }
    }
    range
}

/// The `view`, `edit` and `delete` of one CRM object's table.
type CrmFields = (Option<Sp<Scope>>, Option<Sp<Scope>>, Option<Sp<bool>>);

fn read_crm_fields(r: &mut Reader<'_>, v: &Value<'_>, here: &str) -> Option<CrmFields> {
    let table = r.table(v, here)?;
    let scope_names: Vec<&'static str> = Scope::names().collect();
    let (mut view, mut edit, mut delete) = (None, None, None);
    for (fk, fv) in table.iter() {
        let what = format!("`{}` of {here}", fk.get_ref());
        match fk.get_ref().as_ref() {
            "view" => view = r.keyword(fv, &what, Scope::parse, &scope_names),
            "edit" => edit = r.keyword(fv, &what, Scope::parse, &scope_names),
            "delete" => delete = r.bool(fv, &what),
            _ => r.unknown_field(fk, here, CRM_FIELDS),
        }
    }
    Some((view, edit, delete))
}

fn read_tools(r: &mut Reader<'_>, v: &Value<'_>, context: &str, out: &mut Vec<ToolGrant>) {
    let Some(tools) = r.table(v, &format!("`tools` of {context}")) else {
        return;
    };
    let tool_names: Vec<&'static str> = Tool::names().collect();
    let action_names: Vec<&'static str> = ToolAction::names().collect();
    for (tk, tv) in tools.iter() {
        let tool = Tool::parse(tk.get_ref());
        if tool.is_none() {
            r.unknown_field(tk, &format!("`tools` of {context}"), &tool_names);
        }
        // As for CRM objects, the actions of a misspelt tool are still checked.
        let what = format!("`tools.{}` of {context}", tk.get_ref());
        let Some(items) = r.array(tv, &what) else {
            continue;
        };
        let actions = items
            .iter()
            .filter_map(|item| r.keyword(item, "a tool action", ToolAction::parse, &action_names))
            .collect();
        if let Some(tool) = tool {
            out.push(ToolGrant {
                tool,
                span: r.span(tv.span()),
                actions,
            });
        }
    }
}

fn read_account(
    r: &mut Reader<'_>,
    v: &Value<'_>,
    context: &str,
    out: &mut Vec<(AccountPermission, Sp<bool>)>,
) {
    let Some(table) = r.table(v, &format!("`account` of {context}")) else {
        return;
    };
    let names: Vec<&'static str> = AccountPermission::names().collect();
    for (k, fv) in table.iter() {
        let perm = AccountPermission::parse(k.get_ref());
        if perm.is_none() {
            r.unknown_field(k, &format!("`account` of {context}"), &names);
        }
        // The value of a misspelt permission is still checked.
        let value = r.bool(fv, &format!("`account.{}` of {context}", k.get_ref()));
        if let (Some(perm), Some(b)) = (perm, value) {
            out.push((perm, b));
        }
    }
}

/// Reads a permission path: `account.FLAG`, `crm.OBJECT.ACTION` or `tools.TOOL.ACTION`.
pub fn parse_permission(text: &str) -> Option<Permission> {
    let parts: Vec<&str> = text.split('.').collect();
    match parts.as_slice() {
        ["account", flag] => AccountPermission::parse(flag).map(Permission::Account),
        ["crm", object, action] => Some(Permission::Crm(
            CrmObject::parse(object)?,
            CrmAction::parse(action)?,
        )),
        ["tools", tool, action] => Some(Permission::Tool(
            Tool::parse(tool)?,
            ToolAction::parse(action)?,
        )),
        _ => None,
    }
}

//! The JSON rendering of a plan: a versioned, documented format (see `docs/plan-format.md`).

use crate::plan::Plan;
use serde_json::{Value, json};

/// The version of the JSON plan output.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The plan as JSON.
pub fn json(plan: &Plan) -> String {
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let mut o = json!({
                "index": i,
                "action": op.action.as_str(),
                "kind": op.kind.as_str(),
                "key": op.key,
                "name": op.name,
                "portal_id": op.portal_id,
                "automatic": op.automatic,
                "fields": op.changes,
                "depends_on": op.depends_on,
            });
            if let (Some(c), Some(map)) = (op.confirm, o.as_object_mut()) {
                map.insert("confirm".to_string(), json!(c));
            }
            o
        })
        .collect();
    let doc = json!({
        "format_version": JSON_FORMAT_VERSION,
        "portal": plan.portal,
        "summary": {
            "create": plan.counts().get(&crate::Action::Create).copied().unwrap_or(0),
            "update": plan.counts().get(&crate::Action::Update).copied().unwrap_or(0),
            "delete": plan.counts().get(&crate::Action::Delete).copied().unwrap_or(0),
            "manual": plan.manual_steps.len(),
            "users_affected": plan.access.len(),
        },
        "refusals": plan.refusals,
        "changes": changes,
        "access": plan.access,
        "records": plan.records,
        "manual_steps": plan.manual_steps,
        "unverifiable": plan.unverifiable,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

//! The JSON Schema of the policy format, generated with schemars from the model's vocabulary
//! types and the serde shapes of its tables below, for editors (Taplo, Even Better TOML) to
//! complete and validate policy files with no teamform installed.
//!
//! The table shapes mirror what the reader accepts; a test checks that both list the same
//! fields, so the schema cannot drift from the language.

#![allow(
    dead_code,
    reason = "the shapes exist only to be described by schemars"
)]

use crate::vocab::*;
use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Map, Value};

/// The portal this policy describes (exactly one `[portal]` table in the whole policy).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct PortalTable {
    /// The portal's name.
    name: String,
    /// The subscription tier of each hub; a hub left out is `free`.
    #[schemars(schema_with = "tiers", default)]
    tiers: Option<()>,
    /// The capacity of each paid seat type.
    #[schemars(schema_with = "seats", default)]
    seats: Option<()>,
    /// The live portal to plan against: `sandbox:PATH` or `hubspot`.
    provider: Option<String>,
    /// Which of the portal's users and teams teamform manages.
    manage: Option<ManageTable>,
}

/// Which users a policy manages.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum UsersModeValue {
    /// Every user of the portal: undeclared users are removed.
    All,
    /// Only the declared users: the others are left alone.
    Declared,
}

/// Which of the portal's users and teams teamform manages (`[portal.manage]`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ManageTable {
    /// `all` (the default): users the policy does not declare are removed; `declared`: they
    /// are left alone.
    users: Option<UsersModeValue>,
    /// Globs of emails (matched without case) never created, changed or removed.
    ignore_users: Option<Vec<String>>,
    /// Globs of team names never created, changed or removed.
    ignore_teams: Option<Vec<String>>,
}

/// A team: a node of the org chart.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TeamTable {
    /// The team's name in the portal (unique among teams).
    name: String,
    /// The key of the parent team.
    parent: Option<String>,
    /// Free text.
    description: Option<String>,
    /// The portal id, pinned by `teamform import`.
    id: Option<String>,
    /// The team's former name, so that a rename is a rename.
    previously: Option<String>,
    /// The emails of the people who review this team's members' access (default: the
    /// parent team's reviewers).
    reviewers: Option<Vec<String>>,
    /// The email of the user who receives the CRM records of members removed from the team.
    successor: Option<String>,
}

/// A user removed from the portal: who receives the CRM records they own, and why.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct OffboardTable {
    /// The email of the user (who stays) who receives their contacts, companies, deals and
    /// tickets.
    successor: Option<String>,
    /// Why the user was removed, for audits.
    reason: Option<String>,
    /// When the user left (`2026-11-30`).
    #[schemars(schema_with = "date", default)]
    date: Option<()>,
}

/// Access to the records of one CRM object.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CrmTable {
    /// Which records can be viewed.
    view: Option<Scope>,
    /// Which records can be edited (never wider than `view`).
    edit: Option<Scope>,
    /// Whether records within the edit scope can be deleted.
    delete: Option<bool>,
}

/// A permission set.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RoleTable {
    /// The permission set's name in the portal (unique among roles).
    name: String,
    /// Free text.
    description: Option<String>,
    /// The portal id, pinned by `teamform import`.
    id: Option<String>,
    /// The former name, so that a rename is a rename.
    previously: Option<String>,
    /// Access to CRM records, per object.
    #[schemars(schema_with = "crm", default)]
    crm: Option<()>,
    /// Actions granted in each tool.
    #[schemars(schema_with = "tools", default)]
    tools: Option<()>,
    /// Account-wide permissions.
    #[schemars(schema_with = "account", default)]
    account: Option<()>,
}

/// A user, keyed by their login email.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct UserTable {
    /// The person's name.
    name: String,
    /// The key of their permission set (required unless `super_admin`).
    role: Option<String>,
    /// The key of their primary team.
    team: String,
    /// Their additional teams: team keys, or memberships that end
    /// (`{ team = "events", expires = 2027-01-31 }`).
    #[schemars(schema_with = "memberships", default)]
    teams: Option<()>,
    /// Whether they see and manage everything.
    super_admin: Option<bool>,
    /// Paid seats assigned.
    seats: Option<Vec<Seat>>,
    /// The date after which the access must be gone (`2027-03-31`).
    #[schemars(schema_with = "date", default)]
    expires: Option<()>,
    /// The portal's user id, pinned by `teamform import`.
    id: Option<String>,
}

/// A partitioned asset.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AssetTable {
    /// The asset's name in the portal.
    name: String,
    /// The keys of the teams it is partitioned to; none means every team sees it.
    teams: Option<Vec<String>>,
    /// The portal id.
    id: Option<String>,
}

/// A custom rule forbidding a permission, with its own message.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DenyTable {
    /// The message shown when the rule is broken.
    message: String,
    /// `account.FLAG`, `crm.OBJECT.view|edit|delete` or `tools.TOOL.view|edit|publish`.
    #[schemars(regex(
        pattern = r"^(account\.[a-z_]+|crm\.[a-z_]+\.(view|edit|delete)|tools\.[a-z_]+\.(view|edit|publish))$"
    ))]
    permission: String,
    /// For CRM permissions: the narrowest forbidden scope.
    scope: Option<Scope>,
    /// Only users in this team or its child teams.
    members_of: Option<String>,
    /// Roles exempt from the rule.
    unless_roles: Option<Vec<String>>,
}

/// A separation-of-duties rule: nobody may hold all of its permissions at once.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SeparateTable {
    /// Why the duties are separated.
    message: String,
    /// The permissions no one may hold together, each written like a deny rule's.
    #[schemars(length(min = 2))]
    permissions: Vec<String>,
    /// For CRM permissions: the narrowest scope that counts.
    scope: Option<Scope>,
}

/// Limits that validation and apply enforce.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct GuardrailsTable {
    /// At least this many super admins.
    min_super_admins: Option<u32>,
    /// At most this many super admins.
    max_super_admins: Option<u32>,
    /// The share of users or teams apply may remove without `--allow-removals`.
    #[schemars(range(min = 0.0, max = 1.0))]
    max_removal_ratio: Option<f64>,
    /// Users that apply never removes.
    protected_users: Option<Vec<String>>,
    /// Whether unassigned assets are errors rather than warnings.
    require_partition: Option<bool>,
    /// Assets left unassigned on purpose, as `TYPE.KEY`.
    public_assets: Option<Vec<String>>,
    /// Custom deny rules.
    deny: Option<Vec<DenyTable>>,
    /// Separation-of-duties rules, checked by access reviews (`teamform review`).
    separate: Option<Vec<SeparateTable>>,
}

/// An object whose keys are exactly `keys`, each holding `value`.
fn closed(keys: impl Iterator<Item = &'static str>, value: &Value, description: &str) -> Schema {
    let properties: Map<String, Value> = keys.map(|k| (k.to_string(), value.clone())).collect();
    json_schema!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": false,
    })
}

fn tiers(g: &mut SchemaGenerator) -> Schema {
    closed(
        Hub::names(),
        &g.subschema_for::<Tier>().to_value(),
        "The subscription tier per hub.",
    )
}

fn seats(_: &mut SchemaGenerator) -> Schema {
    closed(
        Seat::names(),
        &serde_json::json!({ "type": "integer", "minimum": 0 }),
        "The capacity per seat type.",
    )
}

fn crm(g: &mut SchemaGenerator) -> Schema {
    closed(
        CrmObject::names(),
        &g.subschema_for::<CrmTable>().to_value(),
        "Access per CRM object.",
    )
}

fn tools(g: &mut SchemaGenerator) -> Schema {
    let actions = serde_json::json!({ "type": "array", "items": g.subschema_for::<ToolAction>().to_value(), "uniqueItems": true });
    closed(Tool::names(), &actions, "Actions per tool.")
}

fn account(_: &mut SchemaGenerator) -> Schema {
    closed(
        AccountPermission::names(),
        &serde_json::json!({ "type": "boolean" }),
        "Account-wide permissions.",
    )
}

/// A membership of an additional team that ends.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct MembershipTable {
    /// The team's key.
    team: String,
    /// The last day of the membership (`2027-01-31`).
    #[schemars(schema_with = "date", default)]
    expires: Option<()>,
}

fn memberships(g: &mut SchemaGenerator) -> Schema {
    let table = g.subschema_for::<MembershipTable>().to_value();
    json_schema!({
        "type": "array",
        "description": "Additional teams: team keys, or memberships that end.",
        "items": { "anyOf": [ { "type": "string" }, table ] },
    })
}

fn date(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "date", "description": "A TOML local date such as 2027-03-31." })
}

/// The JSON Schema of a policy file.
pub fn json_schema() -> Value {
    let mut g = SchemaSettings::draft07().into_generator();
    let map = |v: Value| serde_json::json!({ "type": "object", "additionalProperties": v });
    let team = map(g.subschema_for::<TeamTable>().to_value());
    let role = map(g.subschema_for::<RoleTable>().to_value());
    let mut user = map(g.subschema_for::<UserTable>().to_value());
    user["propertyNames"] = serde_json::json!({ "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$" });
    let per_type = map(g.subschema_for::<AssetTable>().to_value());
    let asset = closed(
        AssetType::names(),
        &per_type,
        "Partitioned assets, per type.",
    )
    .to_value();
    let mut offboard = map(g.subschema_for::<OffboardTable>().to_value());
    offboard["propertyNames"] = user["propertyNames"].clone();
    let portal = g.subschema_for::<PortalTable>().to_value();
    let guardrails = g.subschema_for::<GuardrailsTable>().to_value();
    let mut root = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/teamform/teamform/schema/teamform.schema.json",
        "title": "teamform policy file",
        "description": "One file of a teamform policy: teams, permission sets (roles), users, asset partitions and guardrails. See docs/policy-language.md.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "portal": portal,
            "team": team,
            "role": role,
            "user": user,
            "asset": asset,
            "guardrails": guardrails,
            "offboard": offboard,
        },
    });
    let definitions: Map<String, Value> = g.definitions().clone().into_iter().collect();
    root["definitions"] = Value::Object(definitions);
    strip_null_defaults(&mut root);
    root
}

/// Removes the `"default": null` that optional fields described with `schema_with` carry.
fn strip_null_defaults(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("default") == Some(&Value::Null) {
                o.remove("default");
            }
            o.values_mut().for_each(strip_null_defaults);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_null_defaults),
        _ => {}
    }
}

#[cfg(test)]
mod tests;

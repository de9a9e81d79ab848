//! The typed policy: every entity keeps the span of its definition and of each value, so that
//! the compiler can point at the exact place of a problem.

use crate::vocab::*;
use teamform_diagnostics::Span;

/// A value with the span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// Wraps a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

impl Sp<String> {
    /// The string value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A calendar date (`expires = 2026-12-31`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day, 1 to 31.
    pub day: u8,
}

impl Date {
    /// The date `days` days after 1970-01-01 (proleptic Gregorian calendar).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// The number of days from 1970-01-01 to this date (the inverse of
    /// [`Date::from_unix_days`]).
    pub fn unix_days(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today in UTC, from the system clock (the compiler never reads the clock: callers pass
    /// this in).
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The whole policy, merged from all its files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    /// The `[portal]` table (the first one, if several were written).
    pub portal: Option<Portal>,
    /// The teams, in file order.
    pub teams: Vec<Team>,
    /// The roles (permission sets), in file order.
    pub roles: Vec<Role>,
    /// The users, in file order.
    pub users: Vec<User>,
    /// The partitioned assets, in file order.
    pub assets: Vec<Asset>,
    /// The guardrails, merged across files.
    pub guardrails: Guardrails,
    /// The `[offboard."EMAIL"]` tables: users removed, and who receives their records.
    pub offboard: Vec<Offboard>,
}

/// The `[portal]` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Portal {
    /// The `[portal]` header.
    pub span: Span,
    /// The portal's name.
    pub name: Option<Sp<String>>,
    /// Tiers per hub, as written.
    pub tiers: Vec<(Hub, Sp<Tier>)>,
    /// Seat capacities, as written.
    pub seats: Vec<(Seat, Sp<u32>)>,
    /// Hubs whose tier was written but could not be read: checks that depend on the tier skip
    /// them rather than take `free`.
    pub unread_tiers: Vec<Hub>,
    /// Seats whose capacity was written but could not be read: checks that depend on the
    /// capacity skip them rather than take the seat as missing.
    pub unread_seats: Vec<Seat>,
    /// The live portal to plan against.
    pub provider: Option<Sp<String>>,
    /// `[portal.manage]`: which users and teams of the portal teamform manages.
    pub manage: Option<crate::Manage>,
}

impl Portal {
    /// The tier of `hub` (`free` when not written).
    pub fn tier(&self, hub: Hub) -> Tier {
        self.tiers
            .iter()
            .find(|(h, _)| *h == hub)
            .map_or(Tier::Free, |(_, t)| t.value)
    }
}

/// A `[team.KEY]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Team {
    /// The key.
    pub key: Sp<String>,
    /// The table header.
    pub span: Span,
    /// The name shown in the portal.
    pub name: Option<Sp<String>>,
    /// The parent team's key.
    pub parent: Option<Sp<String>>,
    /// Free text.
    pub description: Option<Sp<String>>,
    /// The pinned portal id.
    pub id: Option<Sp<String>>,
    /// The former name.
    pub previously: Option<Sp<String>>,
    /// The emails of the people who review this team's members' access (`teamform review`);
    /// empty: the parent team's reviewers.
    pub reviewers: Vec<Sp<String>>,
    /// The email of the user who receives the CRM records of members removed from the team.
    pub successor: Option<Sp<String>>,
}

/// An `[offboard."EMAIL"]` table: a user removed from the portal, who receives the CRM
/// records they own, and why (for audits).
#[derive(Clone, Debug, PartialEq)]
pub struct Offboard {
    /// The removed user's email.
    pub key: Sp<String>,
    /// The table header.
    pub span: Span,
    /// The email of the user who receives their records.
    pub successor: Option<Sp<String>>,
    /// Why they were removed.
    pub reason: Option<Sp<String>>,
    /// When they left.
    pub date: Option<Sp<Date>>,
}

/// Access to one CRM object in a role.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmGrant {
    /// The object.
    pub object: CrmObject,
    /// The whole `crm.OBJECT` value.
    pub span: Span,
    /// The view scope.
    pub view: Option<Sp<Scope>>,
    /// The edit scope.
    pub edit: Option<Sp<Scope>>,
    /// Whether records in the edit scope may be deleted.
    pub delete: Option<Sp<bool>>,
}

impl CrmGrant {
    /// The scope of `action` as written (`none` when absent).
    pub fn scope(&self, action: CrmAction) -> Scope {
        match action {
            CrmAction::View => self.view.as_ref().map_or(Scope::None, |s| s.value),
            CrmAction::Edit => self.edit.as_ref().map_or(Scope::None, |s| s.value),
            CrmAction::Delete => match &self.delete {
                Some(d) if d.value => self.edit.as_ref().map_or(Scope::None, |s| s.value),
                _ => Scope::None,
            },
        }
    }

    /// The span that grants `action`, for explanations.
    pub fn action_span(&self, action: CrmAction) -> Span {
        let span = match action {
            CrmAction::View => self.view.as_ref().map(|s| s.span),
            CrmAction::Edit => self.edit.as_ref().map(|s| s.span),
            CrmAction::Delete => self.delete.as_ref().map(|s| s.span),
        };
        span.unwrap_or(self.span)
    }
}

/// Actions granted in one tool.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolGrant {
    /// The tool.
    pub tool: Tool,
    /// The `tools.TOOL` value.
    pub span: Span,
    /// The actions.
    pub actions: Vec<Sp<ToolAction>>,
}

/// A `[role.KEY]` table: a permission set.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    /// The key.
    pub key: Sp<String>,
    /// The table header.
    pub span: Span,
    /// The name shown in the portal.
    pub name: Option<Sp<String>>,
    /// Free text.
    pub description: Option<Sp<String>>,
    /// The pinned portal id.
    pub id: Option<Sp<String>>,
    /// The former name.
    pub previously: Option<Sp<String>>,
    /// CRM object access.
    pub crm: Vec<CrmGrant>,
    /// Tool actions.
    pub tools: Vec<ToolGrant>,
    /// Account permissions as written.
    pub account: Vec<(AccountPermission, Sp<bool>)>,
}

impl Role {
    /// The grant on `object`, if written.
    pub fn crm(&self, object: CrmObject) -> Option<&CrmGrant> {
        self.crm.iter().find(|g| g.object == object)
    }

    /// The grant in `tool`, if written.
    pub fn tool(&self, tool: Tool) -> Option<&ToolGrant> {
        self.tools.iter().find(|g| g.tool == tool)
    }

    /// The account permission `perm`, with its span, when granted.
    pub fn account(&self, perm: AccountPermission) -> Option<Span> {
        self.account
            .iter()
            .find(|(p, v)| *p == perm && v.value)
            .map(|(_, v)| v.span)
    }
}

/// A `[user."EMAIL"]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// The email, the user's key.
    pub key: Sp<String>,
    /// The table header.
    pub span: Span,
    /// The person's name.
    pub name: Option<Sp<String>>,
    /// The role's key.
    pub role: Option<Sp<String>>,
    /// The primary team's key.
    pub team: Option<Sp<String>>,
    /// The additional teams' keys.
    pub teams: Vec<Sp<String>>,
    /// Whether the user is a super admin.
    pub super_admin: Option<Sp<bool>>,
    /// Paid seats.
    pub seats: Vec<Sp<Seat>>,
    /// The date after which access must be gone.
    pub expires: Option<Sp<Date>>,
    /// The additional teams whose membership ends, with the date after which it is gone
    /// (`teams = [{ team = "events", expires = 2027-01-31 }]`), in the order of `teams`.
    pub team_expires: Vec<(String, Sp<Date>)>,
    /// The pinned portal id.
    pub id: Option<Sp<String>>,
}

impl User {
    /// Whether the user is a super admin.
    pub fn is_super_admin(&self) -> bool {
        self.super_admin.as_ref().is_some_and(|s| s.value)
    }
}

/// An `[asset.TYPE.KEY]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    /// The asset type.
    pub kind: AssetType,
    /// The key (unique within the type).
    pub key: Sp<String>,
    /// The table header.
    pub span: Span,
    /// The name shown in the portal.
    pub name: Option<Sp<String>>,
    /// The teams the asset is partitioned to.
    pub teams: Vec<Sp<String>>,
    /// The pinned portal id.
    pub id: Option<Sp<String>>,
}

impl Asset {
    /// The asset's reference as written elsewhere: `TYPE.KEY`.
    pub fn reference(&self) -> String {
        format!("{}.{}", self.kind, self.key.value)
    }
}

/// The `[guardrails]` table, merged across files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guardrails {
    /// At least this many super admins.
    pub min_super_admins: Option<Sp<u32>>,
    /// At most this many super admins.
    pub max_super_admins: Option<Sp<u32>>,
    /// The share of users or teams that apply may remove without acknowledgement.
    pub max_removal_ratio: Option<Sp<f64>>,
    /// Users that apply never removes.
    pub protected_users: Vec<Sp<String>>,
    /// Whether unassigned assets are errors.
    pub require_partition: Option<Sp<bool>>,
    /// Assets left unassigned on purpose, as `TYPE.KEY`.
    pub public_assets: Vec<Sp<String>>,
    /// Custom deny rules.
    pub deny: Vec<DenyRule>,
    /// Separation-of-duties rules, checked by access reviews.
    pub separate: Vec<SeparationRule>,
}

/// A `[[guardrails.separate]]` rule: nobody may hold all of its permissions at once (for CRM
/// permissions, at `scope` or wider). Access reviews report the users who do.
#[derive(Clone, Debug, PartialEq)]
pub struct SeparationRule {
    /// The rule's table.
    pub span: Span,
    /// Why the duties are separated.
    pub message: Option<Sp<String>>,
    /// The permissions no one may hold together (at least two).
    pub permissions: Vec<Sp<Permission>>,
    /// For CRM permissions: the narrowest scope that counts (default: any but `none`).
    pub scope: Option<Sp<Scope>>,
}

/// A permission that a deny rule can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `crm.OBJECT.ACTION`.
    Crm(CrmObject, CrmAction),
    /// `tools.TOOL.ACTION`.
    Tool(Tool, ToolAction),
    /// `account.FLAG`.
    Account(AccountPermission),
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Permission::Crm(o, a) => write!(f, "crm.{o}.{a}"),
            Permission::Tool(t, a) => write!(f, "tools.{t}.{a}"),
            Permission::Account(p) => write!(f, "account.{p}"),
        }
    }
}

/// A `[[guardrails.deny]]` rule.
#[derive(Clone, Debug, PartialEq)]
pub struct DenyRule {
    /// The rule's table.
    pub span: Span,
    /// The message to show when the rule is broken.
    pub message: Option<Sp<String>>,
    /// The forbidden permission.
    pub permission: Option<Sp<Permission>>,
    /// For CRM permissions: the narrowest forbidden scope (default: any but `none`).
    pub scope: Option<Sp<Scope>>,
    /// Only users in this team or its descendants.
    pub members_of: Option<Sp<String>>,
    /// Roles exempt from the rule.
    pub unless_roles: Vec<Sp<String>>,
    /// Whether a `scope`, `members_of` or `unless_roles` was written but could not be read.
    /// Taken as absent, it would widen the rule, so such a rule is not checked.
    pub unread: bool,
}

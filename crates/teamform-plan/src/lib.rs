//! Planning: the compiled policy diffed against the live state into ordered operations (a
//! petgraph DAG), manual steps for what the provider cannot do, and the access diff (who gains
//! and loses what). Plans can be saved with the fingerprints of everything they read, and
//! rendered for people (text, markdown) and machines (json).
//!
//! Pure: no I/O. The caller reads the portal and writes files.

mod access;
mod compare;
mod desired;
mod diff;
pub mod distinct;
pub mod expiry;
mod field;
pub mod guard;
pub mod import;
pub mod known;
mod live_policy;
mod live_side;
pub mod manage;
mod matching;
pub mod offboard;
mod op;
mod order;
mod par;
mod plan;
pub mod render;
mod saved;

pub use access::grant_list::GrantList;
pub use access::grants::{
    AccessGroup, ActionOn, Grant, GrantChange, GrantScope, Partition, Risk, ScopeShift, Shown,
    Status, Subtree, UserGrants, canonical, shown,
};
pub use access::{
    AccessLine, Detail, HolderGroup, Holdings, HoldingsKey, RecordsAccess, RoleKey, ScopeChange,
    Side, UserAccessDiff, access_diff, access_diff_in, granted_at, user_access_lines,
    user_holdings,
};
pub use compare::{compare, state_of};
pub use desired::{DesiredState, desired, permissions};
pub use diff::{Diff, diff, permissions_text};
pub use field::Field;
pub use known::{Confirmation, Known, KnownError};
pub use live_policy::{Grants, live_policy, slug};
pub use live_side::{access_changes, changed_users};
pub use matching::{Bindings, Matching, bindings, matching};
pub use op::{Action, Address, Confirm, FieldChange, Op, parse_placeholder, placeholder};
pub use order::order;
pub use plan::{Filter, KINDS, ManualStep, Plan, PlanInput, make_plan};
pub use saved::{FORMAT_VERSION, SavedPlan, SavedPlanError, policy_hash};
pub use teamform_portal::Permissions;

//! Where a person does by hand what a provider cannot: the portal's own screens, named as its
//! settings name them. Each provider says its own ([`crate::Provider::screens`]); the planner
//! only fills them into the manual steps, so a provider for another CRM brings its words.

/// The screens of a portal's settings that manual steps send a person to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screens {
    /// Where permission sets (roles) are created and edited.
    pub permission_sets: &'static str,
    /// Where a user is opened and edited.
    pub users: &'static str,
    /// Where teams are created and edited.
    pub teams: &'static str,
    /// How an asset's teams are set, once the asset is open.
    pub asset_teams: &'static str,
}

impl Screens {
    /// HubSpot's screens (the sandbox, a HubSpot look-alike, uses them too).
    pub const HUBSPOT: Screens = Screens {
        permission_sets: "Settings > Users & Teams > Permission sets",
        users: "Settings > Users & Teams",
        teams: "Settings > Users & Teams > Teams",
        asset_teams: "Actions > Manage teams",
    };
}

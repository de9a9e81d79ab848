//! The closed vocabularies of the language: scopes, CRM objects, tools, actions, account
//! permissions, hubs, tiers, seats and asset types.

macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                #[serde(rename = $text)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The keyword as written in policy files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Reads the keyword as written in policy files.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Every keyword, as written.
            pub fn names() -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().map(|v| v.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// How far a CRM permission reaches, from narrowest to widest.
    Scope { None = "none", Owned = "owned", Team = "team", Everything = "everything" }
}

keywords! {
    /// A CRM object type whose records are owned and scoped.
    CrmObject { Contacts = "contacts", Companies = "companies", Deals = "deals", Tickets = "tickets", Tasks = "tasks" }
}

keywords! {
    /// An action on CRM records.
    CrmAction { View = "view", Edit = "edit", Delete = "delete" }
}

keywords! {
    /// A tool of the portal that a permission set grants actions in.
    Tool {
        Forms = "forms", MarketingEmail = "marketing_email", LandingPages = "landing_pages",
        WebsitePages = "website_pages", Blog = "blog", Ctas = "ctas", Lists = "lists",
        Workflows = "workflows", Social = "social", Ads = "ads", Campaigns = "campaigns",
        Files = "files", Sequences = "sequences", Documents = "documents", Templates = "templates",
        Meetings = "meetings", Quotes = "quotes", KnowledgeBase = "knowledge_base", Inbox = "inbox",
        Reports = "reports", Dashboards = "dashboards",
    }
}

keywords! {
    /// An action in a tool.
    ToolAction { View = "view", Edit = "edit", Publish = "publish" }
}

keywords! {
    /// An account-wide permission.
    AccountPermission {
        ReassignOwner = "reassign_owner", Export = "export", Import = "import",
        BulkDelete = "bulk_delete", Properties = "properties", Settings = "settings",
        Users = "users", Billing = "billing",
    }
}

keywords! {
    /// A product hub with its own subscription tier.
    Hub { Marketing = "marketing", Sales = "sales", Service = "service", Cms = "cms", Operations = "operations" }
}

keywords! {
    /// A subscription tier, from lowest to highest.
    Tier { Free = "free", Starter = "starter", Professional = "professional", Enterprise = "enterprise" }
}

keywords! {
    /// A paid seat type.
    Seat { Core = "core", Sales = "sales", Service = "service", Marketing = "marketing", Cms = "cms" }
}

keywords! {
    /// A type of asset that can be partitioned between teams.
    AssetType {
        Form = "form", Email = "email", LandingPage = "landing_page", WebsitePage = "website_page",
        Blog = "blog", Cta = "cta", List = "list", Workflow = "workflow", Sequence = "sequence",
        Document = "document", Social = "social", CrmView = "crm_view", Inbox = "inbox",
        Campaign = "campaign", Report = "report", Dashboard = "dashboard",
        KnowledgeArticle = "knowledge_article",
    }
}

/// The tool whose `view` permission an asset of this type needs: HubSpot applies the tool
/// permission on the type *and* the asset's partition. CRM views need no tool (any user with
/// CRM access opens them); `None` for them.
pub fn asset_tool(kind: AssetType) -> Option<Tool> {
    use AssetType::*;
    Some(match kind {
        Form => Tool::Forms,
        Email => Tool::MarketingEmail,
        LandingPage => Tool::LandingPages,
        WebsitePage => Tool::WebsitePages,
        Blog => Tool::Blog,
        Cta => Tool::Ctas,
        List => Tool::Lists,
        Workflow => Tool::Workflows,
        Sequence => Tool::Sequences,
        Document => Tool::Documents,
        Social => Tool::Social,
        Inbox => Tool::Inbox,
        Campaign => Tool::Campaigns,
        Report => Tool::Reports,
        Dashboard => Tool::Dashboards,
        KnowledgeArticle => Tool::KnowledgeBase,
        CrmView => return None,
    })
}

/// What it takes to partition an asset type: any of the listed hubs at the given tier or
/// higher; an empty list means every tier can.
pub fn partition_requirement(kind: AssetType) -> &'static [(Hub, Tier)] {
    use AssetType::*;
    match kind {
        CrmView | Inbox => &[],
        Blog | WebsitePage => &[
            (Hub::Cms, Tier::Enterprise),
            (Hub::Marketing, Tier::Enterprise),
        ],
        Sequence | Document => &[(Hub::Sales, Tier::Professional)],
        KnowledgeArticle => &[(Hub::Service, Tier::Professional)],
        Form | Email | LandingPage | Cta | List | Workflow | Social | Campaign | Report
        | Dashboard => &[(Hub::Marketing, Tier::Professional)],
    }
}

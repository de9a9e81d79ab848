//! The routing table: every path HubSpot's specifications and official clients use, with and
//! without the trailing slash the clients add to collection paths (`/settings/v3/users/`,
//! `/crm/v3/owners/`), behind the gate (latency, faults, authentication, rate limit, log).

use crate::errors::ApiError;
use crate::gate::gate;
use crate::state::Shared;
use crate::users::Flavor;
use crate::{account, activity, crm_objects, members, owners, roles, teams, users};
use axum::routing::{delete, get, post};
use axum::{Extension, Router, middleware};

/// The users API's base paths, with what their version serves.
const USER_BASES: [(&str, Flavor); 4] = [
    ("/settings/v3/users", Flavor { seats: true }),
    ("/settings/users/v3", Flavor { seats: true }),
    ("/settings/users/2026-09-beta", Flavor { seats: true }),
    ("/settings/users/2026-03", Flavor { seats: false }),
];

/// The teams API's base paths.
const TEAM_BASES: [&str; 1] = ["/settings/teams/2026-09-beta"];

/// The owners API's base paths.
const OWNER_BASES: [&str; 2] = ["/crm/v3/owners", "/crm/owners/2026-09"];

fn users_api(base: &str, flavor: Flavor) -> Router<Shared> {
    let collection = || get(users::list).post(users::create);
    Router::new()
        .route(base, collection())
        .route(&format!("{base}/"), collection())
        .route(&format!("{base}/roles"), get(roles::roles))
        .route(&format!("{base}/teams"), get(roles::teams))
        .route(&format!("{base}/seats"), get(roles::seats))
        .route(
            &format!("{base}/{{user_id}}"),
            get(users::get).put(users::update).delete(users::remove),
        )
        .layer(Extension(flavor))
}

fn teams_api(base: &str) -> Router<Shared> {
    let collection = || get(teams::list).post(teams::create);
    Router::new()
        .route(base, collection())
        .route(&format!("{base}/"), collection())
        .route(
            &format!("{base}/{{team_id}}"),
            get(teams::get).patch(teams::update).delete(teams::remove),
        )
        .route(
            &format!("{base}/{{team_id}}/members"),
            get(members::list).post(members::add),
        )
        .route(
            &format!("{base}/{{team_id}}/members/batch"),
            post(members::batch),
        )
        .route(
            &format!("{base}/{{team_id}}/members/{{user_id}}"),
            delete(members::remove),
        )
}

fn owners_api(base: &str) -> Router<Shared> {
    Router::new()
        .route(base, get(owners::list))
        .route(&format!("{base}/"), get(owners::list))
        .route(&format!("{base}/{{owner_id}}"), get(owners::get))
}

/// The account-info APIs: activity (login, security, audit logs), details and API usage.
fn account_info_api() -> Router<Shared> {
    let base = "/account-info/2026-09";
    Router::new()
        .route(&format!("{base}/activity/login"), get(activity::login))
        .route(
            &format!("{base}/activity/security"),
            get(activity::security),
        )
        .route(
            &format!("{base}/activity/audit-logs"),
            get(activity::audit_logs),
        )
        .route(&format!("{base}/details"), get(account::details))
        .route(
            &format!("{base}/api-usage/daily/private-apps"),
            get(account::api_usage),
        )
}

/// The whole application.
pub fn router(app: Shared) -> Router {
    let mut router = Router::new();
    for (base, flavor) in USER_BASES {
        router = router.merge(users_api(base, flavor));
    }
    for base in TEAM_BASES {
        router = router.merge(teams_api(base));
    }
    for base in OWNER_BASES {
        router = router.merge(owners_api(base));
    }
    for base in crm_objects::BASES {
        router = router.merge(crm_objects::api(base));
    }
    router
        .merge(account_info_api())
        .fallback(|| async { ApiError::not_found("The requested path does not exist") })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        .with_state(app)
}

//! Reading the whole portal in the fewest requests the API allows.
//!
//! Three lists carry everything: the users (with their role, primary and additional teams,
//! seats and super-admin status), the teams (with their parents) and the permission sets.
//! Each is read with HubSpot's largest page, and the three are read at the same time; no
//! object is fetched on its own and no team's member list is read, since the users already
//! carry their teams. A portal of `u` users and `t` teams costs
//! `ceil(u / 100) + ceil(t / 100) + 1` requests.

use crate::client::{CallError, Client, Resend};
use crate::model::{self, All, ApiRole, ApiTeam, ApiUser, PAGE_LIMIT, Page};
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use teamform_portal::{LiveRole, LiveState, LiveTeam, LiveUser, PortalError};

/// Reads every page of a forward-paged list.
pub async fn all_pages<T: DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<Vec<T>, CallError> {
    let mut out = Vec::new();
    pages(client, path, PAGE_LIMIT, &[], |page: Vec<T>| {
        out.extend(page);
        true
    })
    .await?;
    Ok(out)
}

/// Reads the pages of a forward-paged list of `limit` items each, with the `query`
/// parameters, handing each page to `take` until it answers false or the list ends.
pub async fn pages<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    limit: usize,
    query: &[(&str, &str)],
    mut take: impl FnMut(Vec<T>) -> bool,
) -> Result<(), CallError> {
    let limit = limit.to_string();
    let mut after: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        let mut params = query.to_vec();
        params.push(("limit", limit.as_str()));
        if let Some(a) = &after {
            params.push(("after", a.as_str()));
        }
        let page: Page<T> = client
            .json(Method::GET, path, &params, None, Resend::Idempotent)
            .await?;
        let next = page.next_after();
        if !take(page.results) {
            return Ok(());
        }
        match next {
            // A cursor seen before would loop forever: the list is treated as complete.
            Some(n) if seen.insert(n.clone()) => after = Some(n),
            _ => return Ok(()),
        }
    }
}

/// Every team, with its parent.
pub async fn teams(client: &Client) -> Result<Vec<ApiTeam>, CallError> {
    all_pages(client, model::TEAMS).await
}

/// Every user.
pub async fn users(client: &Client) -> Result<Vec<ApiUser>, CallError> {
    all_pages(client, model::USERS).await
}

/// Every permission set (one unpaged list).
pub async fn roles(client: &Client) -> Result<Vec<ApiRole>, CallError> {
    let all: All<ApiRole> = client
        .json(Method::GET, model::ROLES, &[], None, Resend::Idempotent)
        .await?;
    Ok(all.results)
}

/// The whole live state: the three lists read at once.
pub async fn state(client: &Client) -> Result<LiveState, PortalError> {
    let (users, teams, roles) = tokio::join!(users(client), teams(client), roles(client));
    let mut users: Vec<LiveUser> = users
        .map_err(CallError::into_portal)?
        .into_iter()
        .map(LiveUser::from)
        .collect();
    let mut teams: Vec<LiveTeam> = teams
        .map_err(CallError::into_portal)?
        .into_iter()
        .map(LiveTeam::from)
        .collect();
    let mut roles: Vec<LiveRole> = roles
        .map_err(CallError::into_portal)?
        .into_iter()
        .map(LiveRole::from)
        .collect();
    // A stable order, so that fingerprints and plans do not depend on the API's order.
    users.sort_by(|a, b| a.email.cmp(&b.email));
    teams.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    roles.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(LiveState {
        teams,
        roles,
        users,
        assets: Vec::new(),
    })
}

/// One user by email (`idProperty=EMAIL`), or `None` when there is no such user.
pub async fn user_by_email(client: &Client, email: &str) -> Result<Option<ApiUser>, CallError> {
    let path = format!("{}/{}", model::USERS, crate::client::segment(email));
    match client
        .json(
            Method::GET,
            &path,
            &[("idProperty", "EMAIL")],
            None,
            Resend::Idempotent,
        )
        .await
    {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

/// One user by id, or `None` when there is no such user.
pub async fn user_by_id(client: &Client, id: &str) -> Result<Option<ApiUser>, CallError> {
    let path = format!("{}/{}", model::USERS, crate::client::segment(id));
    match client
        .json(Method::GET, &path, &[], None, Resend::Idempotent)
        .await
    {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

//! Team writes: the writer's cache of the teams (read once per batch that touches teams),
//! creating a team idempotently (a team of that name already there is returned) and updating
//! one with both `name` and `parentTeamId`, as `PATCH /settings/teams/2026-09-beta/{teamId}`
//! requires.

use crate::client::{CallError, Client, Resend, segment};
use crate::model::{self, ApiTeam, TeamCreate, TeamUpdate};
use crate::read;
use crate::write::{CREATE_TRIES, Writer, created, maybe_exists};
use reqwest::Method;
use std::collections::HashMap;
use teamform_portal::Outcome;
use tokio::sync::Mutex;

/// The writer's view of the teams, read once per batch that touches teams.
#[derive(Debug, Default)]
pub struct TeamCache {
    teams: Mutex<Option<HashMap<String, ApiTeam>>>,
}

impl TeamCache {
    /// Forgets the teams, so that the next team change reads them again.
    pub async fn clear(&self) {
        *self.teams.lock().await = None;
    }

    /// The teams, read now if they are not known.
    async fn load(
        &self,
        client: &Client,
        fresh: bool,
    ) -> Result<HashMap<String, ApiTeam>, CallError> {
        let mut guard = self.teams.lock().await;
        if fresh || guard.is_none() {
            let teams = read::teams(client).await?;
            *guard = Some(teams.into_iter().map(|t| (t.id.clone(), t)).collect());
        }
        Ok(guard.clone().unwrap_or_default())
    }

    async fn by_name(
        &self,
        client: &Client,
        name: &str,
        fresh: bool,
    ) -> Result<Option<String>, CallError> {
        let teams = self.load(client, fresh).await?;
        let mut ids: Vec<&ApiTeam> = teams.values().filter(|t| t.name == name).collect();
        ids.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(ids.first().map(|t| t.id.clone()))
    }

    pub(crate) async fn put(&self, team: ApiTeam) {
        if let Some(map) = self.teams.lock().await.as_mut() {
            map.insert(team.id.clone(), team);
        }
    }

    pub(crate) async fn remove(&self, id: &str) {
        if let Some(map) = self.teams.lock().await.as_mut() {
            map.remove(id);
        }
    }
}

impl Writer<'_> {
    pub(crate) async fn create_team(
        &self,
        name: &str,
        parent: Option<&str>,
    ) -> Result<Outcome, CallError> {
        if let Some(id) = self.teams.by_name(self.client, name, false).await? {
            return Ok(created(id));
        }
        let body = TeamCreate {
            name,
            parent_team_id: parent,
            members: [],
        };
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .client
                .json::<ApiTeam>(Method::POST, model::TEAMS, &[], Some(&body), Resend::Create)
                .await
            {
                Ok(team) => {
                    let id = team.id.clone();
                    self.teams.put(team).await;
                    return Ok(created(id));
                }
                Err(e @ CallError::Unknown(_)) => {
                    if let Some(id) = self.teams.by_name(self.client, name, true).await? {
                        return Ok(created(id));
                    }
                    if tries >= CREATE_TRIES {
                        return Err(e);
                    }
                }
                Err(e) if maybe_exists(&e) => {
                    return match self.teams.by_name(self.client, name, true).await? {
                        Some(id) => Ok(created(id)),
                        None => Err(e),
                    };
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub(crate) async fn update_team(
        &self,
        id: &str,
        name: Option<&str>,
        parent: Option<&Option<String>>,
    ) -> Result<Outcome, CallError> {
        let path = format!("{}/{}", model::TEAMS, segment(id));
        let current = match (name, parent) {
            // Both fields are given: nothing to look up.
            (Some(n), Some(p)) => ApiTeam {
                id: id.to_string(),
                name: n.to_string(),
                parent_team_id: p.clone(),
            },
            _ => match self.teams.load(self.client, false).await?.get(id) {
                Some(t) => t.clone(),
                None => {
                    self.client
                        .json(Method::GET, &path, &[], None, Resend::Idempotent)
                        .await?
                }
            },
        };
        let body = TeamUpdate {
            name: name.unwrap_or(&current.name),
            parent_team_id: match parent {
                Some(p) => p.as_deref(),
                None => current.parent_team_id.as_deref(),
            },
        };
        let team: ApiTeam = self
            .client
            .json(Method::PATCH, &path, &[], Some(&body), Resend::Idempotent)
            .await?;
        self.teams.put(team).await;
        Ok(Outcome::default())
    }
}

//! Record ownership through the CRM objects API (`crm-objects-v3.json`): counting the records a
//! user owns, and handing them to another user before the first is removed.
//!
//! - A user's records are found by `POST /crm/v3/objects/{objectType}/search` on
//!   `hubspot_owner_id`, their owner id (`GET /crm/v3/owners/{userId}?idProperty=userId`).
//! - Search requests are paced to [`SEARCHES_PER_SECOND`], under HubSpot's documented limit of
//!   about 4–5 per second per token; a 429 is retried by the client like any other.
//! - Handing over pages through the records still owned, 100 at a time, sorted by
//!   `hs_object_id` and filtered above the last id seen (so the 10,000-result limit of one
//!   query never binds), and gives each page to the successor with one batch update, sent
//!   while the next page is searched for. It ends
//!   with a search that must find nothing left: a record created for the removed user
//!   meanwhile (or given back to them) starts another pass. It is idempotent: run again after
//!   an interruption, it moves only what the removed user still owns, never a record twice.

use crate::client::{CallError, Client, Resend, segment};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use teamform_portal::{OwnedRecords, PortalError, RecordObject};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The search requests sent per second at most.
pub const SEARCHES_PER_SECOND: u32 = 4;
/// The records moved by one batch update, HubSpot's batch limit.
pub const BATCH: usize = 100;
/// The passes made before giving up on a portal where records keep appearing.
const PASSES: usize = 10;

/// Spaces search requests evenly, at most [`SEARCHES_PER_SECOND`].
#[derive(Debug, Default)]
pub struct SearchPace {
    next: Mutex<Option<Instant>>,
}

impl SearchPace {
    /// Waits for the next search slot.
    async fn acquire(&self) {
        let gap = Duration::from_secs(1) / SEARCHES_PER_SECOND;
        let mut next = self.next.lock().await;
        let now = Instant::now();
        let at = next.filter(|t| *t > now).unwrap_or(now);
        *next = Some(at + gap);
        drop(next);
        tokio::time::sleep_until(at).await;
    }
}

/// One page of a search's answer.
#[derive(Deserialize)]
struct Found {
    total: u64,
    #[serde(default)]
    results: Vec<Hit>,
}

#[derive(Deserialize)]
struct Hit {
    id: String,
}

#[derive(Deserialize)]
struct Owner {
    id: String,
}

#[derive(Serialize)]
struct Update<'a> {
    id: &'a str,
    properties: BTreeMap<&'static str, &'a str>,
}

/// Records of one object type, for one owner, through one client.
pub struct Records<'a> {
    /// The client.
    pub client: &'a Client,
    /// The search pacing.
    pub pace: &'a SearchPace,
}

impl Records<'_> {
    /// The owner id of a user; `None` when the user has none (they own no records).
    async fn owner_id(&self, user_id: &str) -> Result<Option<String>, PortalError> {
        let path = format!("/crm/v3/owners/{}", segment(user_id));
        let query = [("idProperty", "userId")];
        match self
            .client
            .json::<Owner>(Method::GET, &path, &query, None, Resend::Idempotent)
            .await
        {
            Ok(o) => Ok(Some(o.id)),
            Err(CallError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e.into_portal()),
        }
    }

    /// One search for `owner`'s records of `object` with an id above `after`.
    async fn search(
        &self,
        object: RecordObject,
        owner: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Found, PortalError> {
        let mut filters = vec![json!({
            "propertyName": "hubspot_owner_id", "operator": "EQ", "value": owner,
        })];
        if let Some(id) = after {
            filters.push(json!({"propertyName": "hs_object_id", "operator": "GT", "value": id}));
        }
        let body: Value = json!({
            "filterGroups": [{ "filters": filters }],
            "sorts": [{ "propertyName": "hs_object_id", "direction": "ASCENDING" }],
            "properties": ["hs_object_id"],
            "limit": limit,
        });
        let path = format!("/crm/v3/objects/{}/search", object.as_str());
        self.pace.acquire().await;
        self.client
            .json(Method::POST, &path, &[], Some(&body), Resend::Idempotent)
            .await
            .map_err(CallError::into_portal)
    }

    /// Gives the records `ids` of `object` to `owner` with one batch update (none: nothing).
    async fn give(
        &self,
        object: RecordObject,
        ids: &[String],
        owner: &str,
    ) -> Result<(), PortalError> {
        if ids.is_empty() {
            return Ok(());
        }
        let inputs: Vec<Update<'_>> = ids
            .iter()
            .map(|id| Update {
                id,
                properties: BTreeMap::from([("hubspot_owner_id", owner)]),
            })
            .collect();
        let body = json!({ "inputs": inputs });
        let path = format!("/crm/v3/objects/{}/batch/update", object.as_str());
        self.client
            .call(Method::POST, &path, &[], Some(&body), Resend::Idempotent)
            .await
            .map(drop)
            .map_err(CallError::into_portal)
    }

    /// Per object type, how many records each user owns.
    pub async fn count(&self, user_ids: &[String]) -> Result<OwnedRecords, PortalError> {
        let mut out = OwnedRecords::new();
        for user in user_ids {
            let Some(owner) = self.owner_id(user).await? else {
                continue;
            };
            for object in RecordObject::ALL {
                let found = self.search(object, &owner, None, 1).await?;
                if found.total > 0 {
                    out.entry(user.clone())
                        .or_default()
                        .insert(object, found.total);
                }
            }
        }
        Ok(out)
    }

    /// Gives every record of `object` owned by user `from` to user `to`.
    pub async fn reassign(
        &self,
        object: RecordObject,
        from: &str,
        to: &str,
    ) -> Result<(), PortalError> {
        let Some(from_owner) = self.owner_id(from).await? else {
            return Ok(());
        };
        let to_owner = self.owner_id(to).await?.ok_or_else(|| {
            PortalError::rejected(format!(
                "cannot give records to user `{to}`: HubSpot has no owner for that user"
            ))
        })?;
        for _ in 0..PASSES {
            let mut last: Option<String> = None;
            // The page found last, given to the successor while the next one is searched for
            // (the search goes by id, so it does not wait for the update): the hand-over
            // keeps the pace of the searches, not of the searches and updates in turn.
            let mut pending: Vec<String> = Vec::new();
            loop {
                let (page, moved) = tokio::join!(
                    self.search(object, &from_owner, last.as_deref(), BATCH),
                    self.give(object, &pending, &to_owner)
                );
                moved?;
                let page = page?;
                let Some(end) = page.results.last() else {
                    break;
                };
                last = Some(end.id.clone());
                pending = page.results.into_iter().map(|h| h.id).collect();
            }
            // The check that nothing is left, which also catches records created meanwhile.
            if self.search(object, &from_owner, None, 1).await?.total == 0 {
                return Ok(());
            }
        }
        Err(PortalError::rejected(format!(
            "user `{from}` still owns {} after {PASSES} passes: records keep being created for them; stop what creates them and run again",
            object.as_str()
        )))
    }
}

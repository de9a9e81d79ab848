//! Decoding HubSpot's answers into the live state's types, as pure functions over bytes: the
//! provider reads through them, and the fuzzer checks that no answer can crash it.

use crate::model::{All, ApiErrorBody, ApiRole, ApiTeam, ApiUser, Page};
use teamform_portal::{LiveRole, LiveTeam, LiveUser};

/// A page of users and the cursor of the next page.
pub fn users_page(bytes: &[u8]) -> Result<(Vec<LiveUser>, Option<String>), String> {
    let page: Page<ApiUser> =
        serde_json::from_slice(bytes).map_err(|e| format!("unexpected users page: {e}"))?;
    let next = page.next_after();
    Ok((page.results.into_iter().map(LiveUser::from).collect(), next))
}

/// A page of teams and the cursor of the next page.
pub fn teams_page(bytes: &[u8]) -> Result<(Vec<LiveTeam>, Option<String>), String> {
    let page: Page<ApiTeam> =
        serde_json::from_slice(bytes).map_err(|e| format!("unexpected teams page: {e}"))?;
    let next = page.next_after();
    Ok((page.results.into_iter().map(LiveTeam::from).collect(), next))
}

/// The permission sets.
pub fn roles(bytes: &[u8]) -> Result<Vec<LiveRole>, String> {
    let all: All<ApiRole> =
        serde_json::from_slice(bytes).map_err(|e| format!("unexpected roles list: {e}"))?;
    Ok(all.results.into_iter().map(LiveRole::from).collect())
}

/// One user.
pub fn user(bytes: &[u8]) -> Result<LiveUser, String> {
    serde_json::from_slice::<ApiUser>(bytes)
        .map(LiveUser::from)
        .map_err(|e| format!("unexpected user: {e}"))
}

/// The message of an error body, if the bytes are one.
pub fn error_message(bytes: &[u8]) -> Option<String> {
    let body: ApiErrorBody = serde_json::from_slice(bytes).ok()?;
    Some(format!("{body:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_decode_with_their_cursor_and_garbage_is_an_error() {
        let page = br#"{"results":[{"id":"7","email":"ana@acme.example","firstName":"Ana","lastName":"Moreau","roleIds":["3"],"primaryTeamId":"10","secondaryTeamIds":["11","10"],"superAdmin":false}],"paging":{"next":{"after":"abc"}}}"#;
        let (users, next) = users_page(page).expect("a users page");
        assert_eq!(next.as_deref(), Some("abc"));
        assert_eq!(users[0].email, "ana@acme.example");
        assert_eq!(users[0].additional_team_ids, vec!["11".to_string()]);
        assert!(users_page(b"{\"results\": 3}").is_err());
        assert!(teams_page(b"\xff\xfe").is_err());
        let (teams, next) =
            teams_page(br#"{"results":[{"id":"1","name":"Sales","parentTeamId":null}]}"#)
                .expect("teams");
        assert_eq!((teams.len(), next), (1, None));
        assert_eq!(
            roles(br#"{"results":[{"id":"3","name":"Sales Rep"}]}"#).map(|r| r.len()),
            Ok(1)
        );
    }
}

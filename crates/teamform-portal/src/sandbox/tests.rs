//! Tests of the sandbox provider: ids, portal rules, atomic writes, the lock and refusals.

use super::*;
use crate::{Change, PortalErrorKind};

fn temp() -> Option<tempfile::TempDir> {
    tempfile::tempdir().ok()
}

fn team(name: &str, parent: Option<&str>) -> Change {
    Change::CreateTeam {
        name: name.to_string(),
        parent_id: parent.map(str::to_string),
    }
}

#[test]
fn created_empty_on_first_use_and_ids_assigned_like_a_portal() {
    let Some(dir) = temp() else { return };
    let path = dir.path().join("nested/sandbox.json");
    let mut s = match Sandbox::open_locked(&path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.read(), Ok(LiveState::default()));
    let (out, err) = s.apply(&[team("Sales", None)]);
    assert_eq!(err, None);
    let sales = out[0].created_id.clone().unwrap_or_default();
    assert_eq!(sales, "1000001");
    let (out, err) = s.apply(&[team("Sales France", Some(&sales)), team("Sales", None)]);
    assert_eq!(err, None);
    assert_eq!(out[0].created_id.as_deref(), Some("1000002"));
    // Creating an existing name is idempotent: the existing id comes back.
    assert_eq!(out[1].created_id.as_deref(), Some("1000001"));
    let state = s.read().unwrap_or_default();
    assert_eq!(state.teams.len(), 2);
    assert_eq!(state.teams[1].parent_id.as_deref(), Some("1000001"));
}

#[test]
fn opened_for_reading_only_a_missing_sandbox_creates_nothing() -> Result<(), PortalError> {
    let Some(dir) = temp() else { return Ok(()) };
    let path = dir.path().join("nodir/x.json");
    let refused = Sandbox::open_read_only(&path, false).map(|_| ());
    assert_eq!(
        refused,
        Err(PortalError::io(format!(
            "there is no sandbox portal at `{}`; check the path (`teamform apply` creates a sandbox)",
            path.display()
        )))
    );
    // Where a missing file is an empty portal, it reads as one, and is still not created.
    let mut empty = Sandbox::open_read_only(&path, true)?;
    assert_eq!(empty.read(), Ok(LiveState::default()));
    let (done, error) = empty.apply(&[team("Sales", None)]);
    assert!(
        done.is_empty() && error.as_ref().map(PortalError::kind) == Some(PortalErrorKind::Locked)
    );
    assert!(!dir.path().join("nodir").exists(), "nothing was created");
    // Once a sandbox exists, both read it.
    let (_, error) = Sandbox::open_locked(&path)?.apply(&[team("Sales", None)]);
    assert_eq!(error, None);
    for missing_is_empty in [false, true] {
        let teams = Sandbox::open_read_only(&path, missing_is_empty)?
            .read()?
            .teams;
        assert_eq!(teams.len(), 1);
    }
    Ok(())
}

#[test]
fn portal_rules_reject_bad_references_and_deleting_a_parent() {
    let Some(dir) = temp() else { return };
    let Ok(mut s) = Sandbox::open_locked(dir.path().join("s.json")) else {
        return;
    };
    let (_, err) = s.apply(&[team("Orphan", Some("999"))]);
    assert_eq!(
        err,
        Some(PortalError::rejected("no team has id `999`".to_string()))
    );
    let (out, _) = s.apply(&[team("A", None)]);
    let a = out[0].created_id.clone().unwrap_or_default();
    let (_, err) = s.apply(&[team("B", Some(&a)), Change::DeleteTeam { id: a.clone() }]);
    assert!(
        matches!(&err, Some(e) if e.kind() == PortalErrorKind::Rejected && e.message().contains("has child teams"))
    );
    // The failing batch still saved the change that succeeded before it.
    assert_eq!(s.read().map(|st| st.teams.len()), Ok(2));
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
    let Some(dir) = temp() else { return };
    let path = dir.path().join("s.json");
    let first = Sandbox::open_locked(&path);
    assert!(first.is_ok());
    let second = Sandbox::open_locked(&path);
    assert!(
        matches!(&second, Err(e) if e.kind() == PortalErrorKind::Locked && e.message().contains("locked by another teamform process"))
    );
    drop(first);
    assert!(Sandbox::open_locked(&path).is_ok());
}

#[test]
fn corrupt_and_unknown_version_files_are_refused_and_left_untouched() {
    let Some(dir) = temp() else { return };
    for (name, text, why) in [
        ("bad.json", "{not json", "invalid JSON"),
        (
            "v9.json",
            "{\"format\":\"teamform-sandbox\",\"format_version\":9,\"next_id\":1}",
            "format version 9",
        ),
        ("other.json", "{\"hello\":1}", "is not `teamform-sandbox`"),
    ] {
        let path = dir.path().join(name);
        assert!(std::fs::write(&path, text).is_ok());
        let Ok(mut s) = Sandbox::open_locked(&path) else {
            panic!("opening")
        };
        let err = s.read();
        assert!(
            matches!(&err, Err(e) if e.kind() == PortalErrorKind::Corrupt && e.message().contains(why)),
            "{err:?}"
        );
        let (_, err) = s.apply(&[team("X", None)]);
        assert!(err.as_ref().map(PortalError::kind) == Some(PortalErrorKind::Corrupt));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), text);
    }
}

#[test]
fn the_one_pass_reader_reads_what_the_checked_reader_reads() {
    let text = r#"{"format":"teamform-sandbox","format_version":1,"next_id":1000005,
        "teams":[{"id":"1","name":"Sales"},{"id":"2","name":"Sales FR","parent_id":"1"}],
        "roles":[{"id":"3","name":"Rep"}],
        "users":[{"id":"4","email":"A@x.io","role_id":"3","primary_team_id":"2",
                  "additional_team_ids":["1"],"super_admin":false,"seats":["sales"]}],
        "assets":[{"id":"5","kind":"form","name":"F","team_ids":["1"]}]}"#;
    let slow = serde_json::from_str::<serde_json::Value>(text)
        .and_then(serde_json::from_value::<SandboxFile>);
    assert!(slow.is_ok(), "{slow:?}");
    assert_eq!(parse(text.as_bytes()).ok(), slow.ok());
    // Anything the one pass does not take goes the checked way, with its message.
    let unknown = text.replacen("\"next_id\"", "\"extra\":1,\"next_id\"", 1);
    assert!(matches!(parse(unknown.as_bytes()), Err(m) if m.contains("unknown field")));
    let over = text.replace("1000005", &(MAX_NEXT_ID + 1).to_string());
    assert!(matches!(parse(over.as_bytes()), Err(m) if m.contains("over the limit")));
}

#[test]
fn a_locked_sandbox_keeps_what_it_saved_and_the_file_holds_it_too() {
    let Some(dir) = temp() else { return };
    let path = dir.path().join("s.json");
    let Ok(mut s) = Sandbox::open_locked(&path) else {
        return;
    };
    for batch in 0..3 {
        let (out, err) = s.apply(&[team(&format!("T{batch}"), None)]);
        assert_eq!((out.len(), err), (1, None));
        let on_disk = Sandbox::open(&path).and_then(|mut r| r.read());
        assert_eq!(s.read(), on_disk);
        assert_eq!(s.read().map(|st| st.teams.len()), Ok(batch + 1));
    }
    // A save other than apply's drops what was kept: the file is read again.
    assert_eq!(s.save(&SandboxFile::default()), Ok(()));
    assert_eq!(s.read(), Ok(LiveState::default()));
    let (out, _) = s.apply(&[team("T0", None)]);
    assert_eq!(out[0].created_id.as_deref(), Some("1000001"));
}

#[test]
fn activity_is_kept_in_the_file_and_read_within_the_window() {
    use crate::activity::{ActivityFile, Instant};
    let Some(dir) = temp() else { return };
    let path = dir.path().join("sandbox.json");
    let Ok(mut s) = Sandbox::open_locked(&path) else {
        panic!("the sandbox opens")
    };
    let until = Instant::parse("2026-11-30T00:00:00Z").unwrap_or(Instant(0));
    // No activity in the file: nothing is known, which is not "nobody logged in".
    assert_eq!(s.read_activity(until, 90).map(|a| a.available), Ok(false));
    let activity: ActivityFile = match serde_json::from_str(
        r#"{"login": [
            {"id": "1", "loginAt": "2026-11-02T10:00:00Z", "loginSucceeded": true, "userId": 5},
            {"id": "2", "loginAt": "2026-05-02T10:00:00Z", "loginSucceeded": true, "userId": 6}
        ]}"#,
    ) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let data = SandboxFile {
        activity,
        ..SandboxFile::default()
    };
    assert_eq!(s.save(&data), Ok(()));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains("\"loginAt\""), "{text}");
    let Ok(read) = s.read_activity(until, 90) else {
        panic!("the activity reads")
    };
    assert!(read.available);
    assert_eq!(
        read.last_login(Some("5"), "e@x").map(|i| i.to_string()),
        Some("2026-11-02T10:00:00Z".to_string())
    );
    assert_eq!(read.last_login(Some("6"), "f@x"), None);
    assert_eq!(s.load().map(|f| f.activity == data.activity), Ok(true));
}

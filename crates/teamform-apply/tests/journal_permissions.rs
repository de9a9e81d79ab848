//! The journal is readable by its owner only, even when it replaces a file that was not.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use teamform_apply::Journal;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_journal_is_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.json.journal");
    let mut journal = Journal::open(&path, "plan-a").unwrap();
    journal.intend(&[0, 1]).unwrap();
    journal.record(&[(0, Some("1000001".to_string()))]).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_journal_over_an_existing_world_readable_file_is_made_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.json.journal");
    // A journal of another plan, left readable by everyone (by an older version, a copy or a
    // restore from backup): opening the journal of a new plan replaces it.
    std::fs::write(&path, "{\"plan\":\"plan-old\"}\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let journal = Journal::open(&path, "plan-new").unwrap();
    assert_eq!(mode(&path), 0o600);
    drop(journal);
}

#[test]
fn a_resumed_world_readable_journal_is_made_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.json.journal");
    drop(Journal::open(&path, "plan-a").unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let journal = Journal::open(&path, "plan-a").unwrap();
    assert_eq!(mode(&path), 0o600);
    drop(journal);
}

//! Faults of the sandbox file: a hostile `next_id` is refused (it would overflow or repeat
//! ids), and a write on a full disk fails while the old file stays intact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

use std::path::Path;
use std::process::Command;
use teamform_portal::sandbox::{MAX_NEXT_ID, Sandbox, parse};
use teamform_portal::{Change, PortalError, PortalErrorKind, Provider};

fn team(name: &str) -> Change {
    Change::CreateTeam {
        name: name.to_string(),
        parent_id: None,
    }
}

#[test]
fn a_next_id_that_could_overflow_is_refused() {
    let at_limit = format!(
        "{{\"format\":\"teamform-sandbox\",\"format_version\":1,\"next_id\":{MAX_NEXT_ID}}}"
    );
    assert!(parse(at_limit.as_bytes()).is_ok());
    let over =
        "{\"format\":\"teamform-sandbox\",\"format_version\":1,\"next_id\":18446744073709551615}";
    let err = parse(over.as_bytes()).err().unwrap_or_default();
    assert!(err.contains("`next_id`"), "{err}");
}

#[test]
fn a_sandbox_file_with_a_maximal_next_id_is_refused_not_overflowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let text =
        "{\"format\":\"teamform-sandbox\",\"format_version\":1,\"next_id\":18446744073709551615}";
    std::fs::write(&path, text).unwrap();
    let mut s = Sandbox::open_locked(&path).unwrap();
    let (out, err) = s.apply(&[team("Sales")]);
    assert!(out.is_empty());
    assert!(
        err.as_ref().map(PortalError::kind) == Some(PortalErrorKind::Corrupt),
        "{err:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// Mounts a tmpfs of `kib` KiB on `dir`; `false` where this process may not mount (not root,
/// or no `mount`), in which case the caller skips.
fn mount_tiny_tmpfs(dir: &Path, kib: u32) -> bool {
    Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

struct Unmount<'a>(&'a Path);

impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}

#[test]
fn on_a_full_disk_the_write_fails_and_the_old_file_stays_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("tiny");
    std::fs::create_dir(&mount).unwrap();
    if !mount_tiny_tmpfs(&mount, 64) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _unmount = Unmount(&mount);
    let path = mount.join("sandbox.json");
    let mut s = Sandbox::open_locked(&path).unwrap();
    let (_, err) = s.apply(&[team("Sales")]);
    assert_eq!(err, None);
    let before = std::fs::read(&path).unwrap();
    // Fill the file system, leaving less room than the next version of the file needs.
    let filler = vec![b'x'; 1024];
    let mut f = std::fs::File::create(mount.join("filler")).unwrap();
    while std::io::Write::write_all(&mut f, &filler).is_ok() {}
    drop(f);
    let many: Vec<Change> = (0..200).map(|i| team(&format!("Team {i}"))).collect();
    let (out, err) = s.apply(&many);
    assert!(
        out.is_empty(),
        "nothing is reported done when the save failed"
    );
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("cannot write"), "{message}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the old file is intact"
    );
    assert_eq!(s.read().map(|st| st.teams.len()), Ok(1));
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(&mount)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

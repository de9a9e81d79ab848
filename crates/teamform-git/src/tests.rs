//! Tests against real repositories made in temporary directories.

use super::*;

fn commit_all(repo: &git2::Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.write().expect("write index");
    let tree_id = index.write_tree().expect("tree");
    let tree = repo.find_tree(tree_id).expect("find tree");
    let sig = git2::Signature::new(
        "Ana Admin",
        "ana@acme.example",
        &git2::Time::new(1_790_000_000, 0),
    )
    .expect("sig");
    let parents: Vec<git2::Commit<'_>> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
        .expect("commit")
}

#[test]
fn reads_a_revision_from_objects_without_touching_the_work_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = git2::Repository::init(dir.path()).expect("init");
    std::fs::create_dir_all(dir.path().join("policies/users")).expect("mkdir");
    std::fs::write(
        dir.path().join("policies/teams.toml"),
        "[team.a]\nname = \"A\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("policies/users/u.toml"), "# users\n").expect("write");
    std::fs::write(dir.path().join("README.md"), "not policy\n").expect("write");
    let first = commit_all(&repo, "First policy");
    std::fs::write(
        dir.path().join("policies/teams.toml"),
        "[team.a]\nname = \"Équipe A\"\n",
    )
    .expect("write");
    commit_all(&repo, "Rename team A");
    // An uncommitted edit in the work tree.
    std::fs::write(
        dir.path().join("policies/teams.toml"),
        "[team.a]\nname = \"Work tree\"\n",
    )
    .expect("write");

    let p = PolicyRepo::discover(&dir.path().join("policies")).expect("discover");
    assert_eq!(p.subdir(), Path::new("policies"));
    let old = p.sources_at(&first.to_string(), "base").expect("old");
    let paths: Vec<String> = old.iter().map(|(_, f)| f.path.clone()).collect();
    assert_eq!(
        paths,
        ["base:policies/teams.toml", "base:policies/users/u.toml"]
    );
    assert!(old.iter().any(|(_, f)| f.text.contains("name = \"A\"")));
    let head = p.sources_at("HEAD", "head").expect("head");
    assert!(head.iter().any(|(_, f)| f.text.contains("Équipe A")));
    // The work tree is as it was.
    let text = std::fs::read_to_string(dir.path().join("policies/teams.toml")).expect("read");
    assert!(text.contains("Work tree"));
    let (_, dirty) = p.head_and_dirty().expect("head");
    assert!(dirty);
    let history = p.history("HEAD", 10).expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].summary, "Rename team A");
    assert_eq!(history[1].author, "Ana Admin");
    assert_eq!(history[1].date, "2026-09-21");
    assert!(p.sources_at("no-such-rev", "x").is_err());
}

#[test]
fn finds_the_commit_that_removed_something_along_the_first_parent_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = git2::Repository::init(dir.path()).expect("init");
    std::fs::create_dir_all(dir.path().join("policies")).expect("mkdir");
    let users = dir.path().join("policies/users.toml");
    let bob = "[user.\"bob@acme.example\"]\nname = \"Bob\"\nteam = \"a\"\n";
    let cy = "[user.\"cy@acme.example\"]\nname = \"Cy\"\nteam = \"a\"\n";
    std::fs::write(&users, cy).expect("write");
    commit_all(&repo, "Cy joins");
    std::fs::write(&users, format!("{cy}{bob}")).expect("write");
    let added = commit_all(&repo, "Bob joins");
    std::fs::write(&users, cy).expect("write");
    let removed = commit_all(&repo, "Bob leaves");
    std::fs::write(&users, cy.replace("\"Cy\"", "\"Cy Doe\"")).expect("write");
    commit_all(&repo, "Rename Cy");

    let p = PolicyRepo::discover(&dir.path().join("policies")).expect("discover");
    let user = |email: &'static str| {
        move |load: &LoadResult| {
            load.policy
                .users
                .iter()
                .find(|u| u.key.value == email)
                .and_then(|u| u.name.as_ref().map(|n| n.value.clone()))
        }
    };
    let Presence::Removed(r) = p
        .find_removal("HEAD", 10, user("bob@acme.example"))
        .expect("search")
    else {
        panic!("Bob was removed");
    };
    assert_eq!(r.removed_in.id, removed.to_string());
    assert_eq!(r.removed_in.summary, "Bob leaves");
    assert_eq!(r.removed_in.author, "Ana Admin");
    assert_eq!(r.removed_in.date, "2026-09-21");
    assert_eq!(r.last_seen.id, added.to_string());
    assert_eq!(r.found, "Bob");

    assert_eq!(
        p.find_removal("HEAD", 10, user("cy@acme.example"))
            .expect("search"),
        Presence::Present("Cy Doe".to_string())
    );
    // Bob is not within the two newest commits, and nobody is ever called Dee.
    assert_eq!(
        p.find_removal("HEAD", 2, user("bob@acme.example"))
            .expect("search"),
        Presence::Absent(2)
    );
    assert_eq!(
        p.find_removal("HEAD", 10, user("dee@acme.example"))
            .expect("search"),
        Presence::Absent(4)
    );
}

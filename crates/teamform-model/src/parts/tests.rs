//! A file read in parts reads exactly as the whole file: the same policy, the same spans,
//! the same diagnostics, whatever the file holds.

use super::{cut, names_one_entity};
use crate::load::{parse_file_in, parse_whole};
use proptest::prelude::*;
use teamform_diagnostics::FileId;

#[test]
fn headers_of_one_entity() {
    let mut parts = Vec::new();
    for line in [
        "[user.\"ana@example.com\"]\n",
        "[user.ana] # a comment\r\n",
        "[ user . 'ana@example.com' ]",
        "[asset.document.brochure]\n",
        "[asset . \"document\" . \"a.b\"]\t\n",
        "[\"user\".ana]\n",
    ] {
        assert!(names_one_entity(line, &mut parts), "{line:?}");
    }
    for line in [
        "[user]\n",
        "[asset.document]\n",
        "[[user.ana]]\n",
        "[user.\"a\\\"b\"]\n",
        "[user.ana.more]\n",
        "[user.\"ana]\n",
        "[user.'ana]\n",
        "[user.ana] name = \"x\"\n",
        "[team.sales]\n",
        "[user.]\n",
        "[user.ana\n",
    ] {
        assert!(!names_one_entity(line, &mut parts), "{line:?}");
    }
}

#[test]
fn only_files_of_entity_tables_are_cut() {
    let users = "# users\n\n[user.a]\nname = \"A\"\n\n[user.b]\nname = \"B\"\n[user.c]\n";
    assert_eq!(cut(users, 1), Some(vec![0..30, 30..50, 50..59]));
    assert_eq!(cut(users, 30), Some(vec![0..30, 30..59]));
    // A single part, root keys before the first header, another kind of header: not cut.
    assert_eq!(cut(users, 1 << 20), None);
    assert_eq!(cut(&format!("user = {{}}\n{users}"), 1), None);
    assert_eq!(cut(&format!("{users}[portal]\nname = \"p\"\n"), 1), None);
    assert_eq!(cut(&format!("[team.t]\n{users}"), 1), None);
}

/// A large file of users, cut at the default part size, reads as the whole.
#[test]
fn a_large_file_reads_as_the_whole() {
    let mut text = String::from("# The users of the sales teams.\n\n");
    for i in 0..3_000 {
        text.push_str(&format!(
            "[user.\"user{i}@example.com\"]\nname = \"Ana Novák {i}\"\nrole = \"r{}\"\nteam = \"t{}\"\nteams = [\"t{}\", {{ team = \"t9\", expires = 2027-01-31 }}]\nseats = [\"sales\"]\n\n",
            i % 7,
            i % 13,
            i % 11
        ));
        if i % 10 == 0 {
            text.push_str(&format!(
                "[asset.{}.a{i}]\nname = \"Asset {i}\"\nteams = [\"t{}\"]\n\n",
                ["document", "social", "campaign"][i % 3],
                i % 5
            ));
        }
    }
    let parts = cut(&text, super::PART_BYTES).expect("the file is cut");
    assert!(parts.len() > 3, "{} parts", parts.len());
    assert!(super::read(FileId(0), (&text, 0), &parts).is_some());
    let (policy, diags) = parse_file_in(FileId(0), (&text, 0), super::PART_BYTES);
    assert_eq!(policy.users.len(), 3_000);
    assert_eq!(policy.assets.len(), 300);
    assert_eq!((policy, diags), parse_whole(FileId(0), (&text, 0)));
}

/// How a key is written in a header.
fn written(key: &str, style: u8) -> String {
    match style % 4 {
        0 => format!("\"{key}\""),
        1 => format!("'{key}'"),
        // A basic string with its first character escaped.
        2 => {
            let mut chars = key.chars();
            let first = chars.next().map_or(0, u32::from);
            format!("\"\\u{first:04X}{}\"", chars.as_str())
        }
        _ => key.replace(['@', '.'], "-"),
    }
}

/// A user's table (`user`) or an asset's (of `kind`), its key written in `style` (not with an
/// escape, which headers are not read with), named after its position `i` (so that no two are
/// the same).
fn clean_table(i: usize, (style, user, kind): (u8, bool, usize)) -> String {
    let style = [0, 1, 3][usize::from(style % 3)];
    match user {
        true => format!(
            "[user.{}]\nname = \"U {i}\" # the name\nteams = [\n  \"t1\",\n]\n\n",
            written(&format!("u{i}@x.io"), style)
        ),
        false => format!(
            "# asset {i}\n[asset.{}.{}]\nname = 'A {i}'\nteams = [\"t{i}\"]\n",
            ["document", "social", "campaign"][kind % 3],
            written(&format!("a{i}"), style)
        ),
    }
}

/// One table of a generated file: users and assets, with now and then something that only
/// the whole file shows (a table named twice, a header inside a multi-line string, a header of
/// another kind, root keys) or that a part reports (a value that does not fit, bad syntax).
fn table() -> impl Strategy<Value = String> {
    let key = "[a-c]{1,2}(@x\\.io)?";
    prop_oneof![
        8 => (key, any::<u8>(), 0u8..4).prop_map(|(k, style, teams)| {
            let teams: Vec<String> = (0..teams).map(|t| format!("\"t{t}\"")).collect();
            format!(
                "[user.{}] # {k}\nname = \"{k}\"\nteam = \"t0\"\nteams = [{}]\n\n",
                written(&k, style),
                teams.join(", ")
            )
        }),
        4 => (key, any::<u8>(), prop_oneof![Just("document"), Just("social"), Just("campaign")])
            .prop_map(|(k, style, kind)| format!("[asset.{kind}.{}]\nname = \"n\"\nteams = [\"t1\"]\n", written(&k, style))),
        1 => key.prop_map(|k| format!("[user.\"{k}\"]\nname = \"\"\"\n[user.\"zz\"]\nname = \"q\"\n\"\"\"\n")),
        1 => key.prop_map(|k| format!("[user.\"{k}\"]\nname = 3\n")),
        1 => key.prop_map(|k| format!("[user.\"{k}\"]\ncolour = \"red\"\n")),
        1 => key.prop_map(|k| format!("[user.\"{k}\"]\nteams = [\n\"t1\",\n[\"t2\"]]\n")),
        1 => Just("[user.\"broken\"\nname = \"x\"\n".to_string()),
        1 => Just("[user]\n".to_string()),
        1 => Just("[team.t0]\nname = \"T\"\n".to_string()),
        1 => Just("# a comment\n\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Cut before every header it may be cut at, any file reads as the whole file, wherever it
    /// starts in a larger one.
    #[test]
    fn parts_read_as_the_whole(
        tables in proptest::collection::vec(table(), 1..24),
        root in any::<bool>(),
        crlf in any::<bool>(),
        base in prop_oneof![Just(0usize), 1usize..100_000],
    ) {
        let mut text = String::from("# generated\n");
        if root {
            text.push_str("user = { }\n");
        }
        text.push_str(&tables.concat());
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        prop_assert_eq!(
            parse_file_in(FileId(3), (&text, base), 1),
            parse_whole(FileId(3), (&text, base))
        );
    }

    /// A file of distinct users and assets is read in parts, and reads as the whole.
    #[test]
    fn clean_files_are_read_in_parts(
        tables in proptest::collection::vec((any::<u8>(), any::<bool>(), 0usize..3), 2..24),
    ) {
        let text: String = tables.iter().enumerate().map(|(i, t)| clean_table(i, *t)).collect();
        let parts = cut(&text, 1);
        prop_assert_eq!(parts.as_ref().map(Vec::len), Some(tables.len()));
        let whole = parse_whole(FileId(1), (&text, 0));
        prop_assert!(whole.1.is_empty(), "{:?}", whole.1);
        let read = parts.and_then(|parts| super::read(FileId(1), (&text, 0), &parts));
        prop_assert!(read.is_some());
        prop_assert_eq!((read.unwrap_or_default(), Vec::new()), whole);
    }
}

/// A table named in two parts is reported as the whole file reports it.
#[test]
fn a_table_named_twice_reads_as_the_whole() {
    for text in [
        "[user.a]\nname = \"A\"\n[user.b]\n[user.\"a\"]\n",
        "[asset.document.k]\nname = \"K\"\n[asset.social.k]\nname = \"S\"\n[asset.document.'k']\nname = \"L\"\n",
    ] {
        let whole = parse_whole(FileId(0), (text, 0));
        assert_eq!(whole.1.len(), 1, "{:?}", whole.1);
        assert_eq!(parse_file_in(FileId(0), (text, 0), 1), whole);
    }
}

//! The messages of values that do not fit name the value as a person would: the field, the
//! entity, the item of an array.

use crate::load::parse_whole;
use teamform_diagnostics::FileId;

#[test]
fn values_that_do_not_fit_are_named_in_full() {
    let text = r#"
[team.t]
name = 3
reviewers = [1]

[user."a@x.io"]
name = 4
teams = ["t", 3, { team = 4 }]
super_admin = "yes"
colour = 1

[asset.document.k]
name = 1
teams = "t"
"#;
    let (_, diags) = parse_whole(FileId(0), (text, 0));
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`name` of team `t` must be a string, found an integer",
            "each item of `reviewers` of team `t` must be a string, found an integer",
            "team `t` has no `name`",
            // Unknown fields are reported first, then each known one in order.
            "unknown field `colour` in user `a@x.io`",
            "`name` of user `a@x.io` must be a string, found an integer",
            "each item of `teams` of user `a@x.io` must be a string, found an integer",
            "the `team` of a membership must be a string, found an integer",
            "a membership of `teams` has no `team`",
            "`super_admin` of user `a@x.io` must be a boolean (`true` or `false`), found a string",
            "user `a@x.io` has no `name`",
            "`name` of asset `document.k` must be a string, found an integer",
            "`teams` of asset `document.k` must be an array of strings, found a string",
            "asset `document.k` has no `name`",
        ]
    );
}

//! The README of a policy repository: what is where, how a change of access goes from an
//! edit to the portal, and what to set up once.

use crate::Options;
use std::fmt::Write as _;
use teamform_model::UsersMode;
use teamform_portal::LiveState;

/// The README for the repository `init` writes for `o`.
pub(crate) fn readme(o: &Options<'_>, live: &LiveState) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Access to the {} portal", o.name);
    let _ = writeln!(
        out,
        "
This repository says who has which access in the CRM portal. A change of access is a pull
request: it shows who gains and loses what, someone reviews it, and merging it applies it.
Nobody changes teams, permission sets or users in the portal's settings by hand any more.

It was written by `teamform init` from the portal as it was ({} teams, {} permission sets,
{} users), so the policy describes the portal exactly.

## What is where

- `policies/portal.toml`: the portal, its subscriptions and which users teamform manages.
- `policies/teams.toml`: the team tree.
- `policies/roles.toml`: the permission sets and what each grants.
- `policies/users/TEAM.toml`: the users, one file per primary team.
- `policies/assets.toml`: the assets assigned to teams.
- `policies/tests/*.toml` (optional): access expectations checked on every pull request.
- `.github/workflows/`: the pull-request check and comment, apply on merge, the daily drift
  report. They install teamform {} (a released binary, checksum verified).

## Changing access

1. Edit the files (an editor with the teamform language server checks them as you type), or
   run `teamform validate` and `teamform plan` locally.
2. Open a pull request. The check annotates mistakes on the changed lines and a comment shows
   the access diff: who gains and loses which access, riskiest first.
3. Once reviewed, merge. The apply workflow changes the portal, one run at a time.

What the portal's API cannot do (permission set contents, super admins, asset teams) comes out
of a plan as manual steps: do them in the portal's settings, then record them with
`teamform confirm ADDRESS` and commit the file it writes under `policies/known/`.
",
        live.teams.len(),
        live.roles.len(),
        live.users.len(),
        crate::RELEASE
    );
    let _ = writeln!(out, "## Users teamform leaves alone\n");
    let mode = o.users_mode.unwrap_or_default();
    if mode == UsersMode::Declared {
        out.push_str(
            "`[portal.manage]` says `users = \"declared\"`: users the policy does not declare (for\n\
             example those your identity provider provisions through SCIM) stay as they are.\n",
        );
    } else {
        out.push_str(
            "Every user of the portal is managed: a user removed from the policy is removed from\n\
             the portal. If an identity provider provisions users, set `users = \"declared\"` in\n\
             `[portal.manage]` of `policies/portal.toml`, or list them with `ignore_users` globs.\n",
        );
    }
    if !o.ignore_users.is_empty() {
        let _ = writeln!(
            out,
            "Users matching `ignore_users` ({}) are never created, changed or removed.",
            o.ignore_users.join(", ")
        );
    }
    out.push_str(
        "
## Set up once

- Secrets: a HubSpot private app token as `HUBSPOT_TOKEN` in two environments of this
  repository, `hubspot-read` (plans on pull requests, the drift report; scopes to read users
  and teams) and `production` (apply; also write scopes). Protect `production` with required
  reviewers and limit it to the `main` branch.
- Branch protection on `main`: require the `teamform pull request` check.
- To upgrade teamform, change the version in `.github/workflows/teamform-*.yml`.
",
    );
    out
}

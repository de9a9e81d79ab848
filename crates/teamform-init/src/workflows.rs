//! The GitHub workflows of a policy repository: the pull-request check (annotations, SARIF,
//! the access diff for a sticky comment, a plan against the live portal), the comment
//! itself, apply on merge (one at a time, in a protected environment) and a scheduled drift
//! report. Each installs the released teamform through the action (checksum verified) and
//! never builds it; the steps after the action call the `teamform` it put on `PATH`.

/// The step that installs teamform (through the action) and validates the policy, which the
/// jobs that then call `teamform` themselves start with.
const INSTALL: &str = r####"      - name: Install teamform and validate
        uses: @ACTION@
        with:
          version: "@VERSION@"
          command: validate
          args: --format github"####;

/// The pull-request check.
const PR: &str = r####"# Written by `teamform init`. On every pull request that changes the policy: validate it
# (annotations on the changed lines), run the access expectations of `policies/tests/`, upload
# SARIF to code scanning, and render the access diff against the base branch, which
# teamform-pr-comment.yml posts as one sticky comment. When the HubSpot token is available (not
# on forks), also plan against the live portal. teamform is a released binary, never built here.
name: teamform pull request

on:
  pull_request:
    paths:
      - "policies/**"
      - ".github/workflows/teamform-*.yml"

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - name: Validate (annotations on the changed lines)
        id: validate
        uses: @ACTION@
        with:
          version: "@VERSION@"
          command: validate
          args: --format github
      - name: Access expectations
        uses: @ACTION@
        with:
          version: "@VERSION@"
          command: test
          args: --format github
      # The steps below run whenever teamform was installed, also when the policy is invalid.
      - name: SARIF for code scanning
        if: always() && steps.validate.outputs.exit-code != ''
        run: teamform validate --format sarif > results.sarif || true
      - name: Upload SARIF to code scanning
        if: always() && steps.validate.outputs.exit-code != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: results.sarif
      - name: Render the access diff for the comment
        if: always() && steps.validate.outputs.exit-code != ''
        env:
          BASE: ${{ github.event.pull_request.base.sha }}
          NUMBER: ${{ github.event.pull_request.number }}
          VALID: ${{ steps.validate.outputs.exit-code }}
        run: |
          mkdir -p teamform-out
          echo "$NUMBER" > teamform-out/pr-number
          {
            echo "<!-- teamform-diff -->"
            if [ "$VALID" = "0" ]; then
              teamform diff "$BASE" HEAD --format markdown
            else
              echo "### teamform: the policy is invalid"
              echo
              echo "Fix the errors annotated on the changed lines; the access diff appears once the policy is valid."
            fi
          } > teamform-out/diff.md
      - uses: actions/upload-artifact@v6
        if: always() && steps.validate.outputs.exit-code != ''
        with:
          name: teamform-diff
          path: |
            teamform-out/diff.md
            teamform-out/pr-number

  plan:
    needs: check
    # Secrets are not given to workflows run from forks: the plan is skipped there.
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    environment: hubspot-read
    steps:
      - uses: actions/checkout@v5
@INSTALL@
      - name: Plan against the live portal
        env:
          HUBSPOT_TOKEN: ${{ secrets.HUBSPOT_TOKEN }}
        run: |
          if [ -z "$HUBSPOT_TOKEN" ]; then
            echo "No HUBSPOT_TOKEN secret in the hubspot-read environment: skipping the live plan."
            exit 0
          fi
          teamform plan --portal hubspot --format markdown -o plan.json > plan.md
          cat plan.md >> "$GITHUB_STEP_SUMMARY"
          # The expectations about the change (`[[plan]]`, such as no critical access gained).
          teamform test --plan plan.json --format github
      - uses: actions/upload-artifact@v6
        if: always()
        with:
          name: teamform-plan
          path: |
            plan.json
            plan.md
          if-no-files-found: ignore
"####;

/// The sticky comment.
const PR_COMMENT: &str = r####"# Written by `teamform init`. Posts the access diff rendered by the pull-request workflow as one
# sticky comment (updated, not duplicated). It runs in the base repository's context, so it can
# comment on pull requests from forks without ever running their code.
name: teamform pull request comment

on:
  workflow_run:
    workflows: ["teamform pull request"]
    types: [completed]

permissions:
  contents: read
  pull-requests: write
  actions: read

jobs:
  comment:
    runs-on: ubuntu-latest
    if: github.event.workflow_run.event == 'pull_request'
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: teamform-diff
          run-id: ${{ github.event.workflow_run.id }}
          github-token: ${{ secrets.GITHUB_TOKEN }}
      - name: Read the pull request's number
        id: pr
        run: echo "number=$(tr -dc '0-9' < pr-number)" >> "$GITHUB_OUTPUT"
      - uses: marocchino/sticky-pull-request-comment@v2
        with:
          header: teamform-diff
          number: ${{ steps.pr.outputs.number }}
          path: diff.md
"####;

/// Apply on merge.
const APPLY: &str = r####"# Written by `teamform init`. On merge to main: plan against the live portal and apply, one run at
# a time, in the protected `production` environment (add required reviewers to it to approve each
# apply). Guardrails refuse dangerous changes (exit 3), a plan gone stale is refused, and the
# manual steps are in the job summary. The journal is kept as an artifact when an apply fails.
name: teamform apply

on:
  push:
    branches: [main]
    paths:
      - "policies/**"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: teamform-apply
  cancel-in-progress: false

jobs:
  apply:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v5
@INSTALL@
      - name: Plan
        env:
          HUBSPOT_TOKEN: ${{ secrets.HUBSPOT_TOKEN }}
        run: |
          teamform plan --portal hubspot --format markdown -o plan.json > plan.md
          cat plan.md >> "$GITHUB_STEP_SUMMARY"
      - name: Apply the plan
        uses: @ACTION@
        env:
          HUBSPOT_TOKEN: ${{ secrets.HUBSPOT_TOKEN }}
        with:
          version: "@VERSION@"
          command: apply
          args: plan.json --portal hubspot
      - uses: actions/upload-artifact@v6
        if: always()
        with:
          name: teamform-applied-plan
          path: |
            plan.json
            plan.md
            .teamform/
          if-no-files-found: ignore
          include-hidden-files: true
"####;

/// The scheduled drift report.
const DRIFT: &str = r####"# Written by `teamform init`. Every morning: compare the live portal with the policy. A change
# made by hand in the portal (or a manual step not yet done) fails the run, with the plan that
# would undo it in the job summary; merge a policy change that keeps it, or run the apply
# workflow to revert it.
name: teamform drift

on:
  schedule:
    - cron: "17 6 * * *"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: teamform-drift
  cancel-in-progress: true

jobs:
  drift:
    runs-on: ubuntu-latest
    environment: hubspot-read
    steps:
      - uses: actions/checkout@v5
@INSTALL@
      - name: Compare the portal with the policy
        env:
          HUBSPOT_TOKEN: ${{ secrets.HUBSPOT_TOKEN }}
        run: |
          set +e
          teamform plan --portal hubspot --detailed-exitcode --format markdown > drift.md
          code=$?
          set -e
          cat drift.md >> "$GITHUB_STEP_SUMMARY"
          if [ "$code" -eq 2 ]; then
            echo "::warning title=teamform drift::the portal differs from the policy; see the job summary"
            exit 1
          fi
          exit "$code"
"####;

/// The workflows, `(path, text)`, for the release `version`.
pub(crate) fn all(version: &str) -> Vec<(String, String)> {
    let action = format!("{}@v{version}", crate::ACTION);
    [
        ("teamform-pr.yml", PR),
        ("teamform-pr-comment.yml", PR_COMMENT),
        ("teamform-apply.yml", APPLY),
        ("teamform-drift.yml", DRIFT),
    ]
    .into_iter()
    .map(|(name, text)| {
        (
            format!(".github/workflows/{name}"),
            text.replace("@INSTALL@", INSTALL)
                .replace("@ACTION@", &action)
                .replace("@VERSION@", version),
        )
    })
    .collect()
}

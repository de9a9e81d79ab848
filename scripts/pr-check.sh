#!/usr/bin/env bash
# Checks a pull request's policy change without any secret, so that it runs on forks too:
# validates (GitHub annotations and SARIF) and renders the diff against the base revision as
# Markdown for the sticky PR comment.
#
# Usage: scripts/pr-check.sh BASE_REV [OUT_DIR]
# Env:   TEAMFORM (the binary, default `teamform`), POLICIES (default `policies`).
# Exit:  0 valid, 1 invalid (the outputs are still written).
set -uo pipefail
base="${1:?usage: pr-check.sh BASE_REV [OUT_DIR]}"
out="${2:-teamform-out}"
bin="${TEAMFORM:-teamform}"
policies="${POLICIES:-policies}"
mkdir -p "$out"

"$bin" validate --policies "$policies" --format github | tee "$out/annotations.txt"
valid=${PIPESTATUS[0]}
"$bin" validate --policies "$policies" --format sarif > "$out/results.sarif" || true

{
    echo "<!-- teamform-diff -->"
    if [ "$valid" -eq 0 ]; then
        "$bin" diff "$base" HEAD --policies "$policies" --format markdown
    else
        echo "### teamform: the policy is invalid"
        echo
        echo "Fix the errors annotated on the changed lines; the access diff appears once the policy is valid."
    fi
} > "$out/diff.md"
exit "$valid"

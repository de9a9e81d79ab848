#!/usr/bin/env bash
# Checks a pull request's policy change without any secret, so that it runs on forks too:
# validates and runs the access expectations (`teamform test`; GitHub annotations, and SARIF
# for validation) and renders the diff against the base revision as Markdown for the sticky
# PR comment.
#
# Usage: scripts/pr-check.sh BASE_REV [OUT_DIR]
# Env:   TEAMFORM (the binary, default `teamform`), POLICIES (default `policies`).
# Exit:  0 valid and every expectation holds, 1 otherwise (the outputs are still written).
set -uo pipefail
base="${1:?usage: pr-check.sh BASE_REV [OUT_DIR]}"
out="${2:-teamform-out}"
bin="${TEAMFORM:-teamform}"
policies="${POLICIES:-policies}"
mkdir -p "$out"

"$bin" validate --policies "$policies" --format github | tee "$out/annotations.txt"
valid=${PIPESTATUS[0]}
"$bin" validate --policies "$policies" --format sarif > "$out/results.sarif" || true

# The expectations run on a valid policy only: on an invalid one they would repeat its errors.
tested=0
if [ "$valid" -eq 0 ]; then
    "$bin" test --policies "$policies" --format github | tee -a "$out/annotations.txt"
    tested=${PIPESTATUS[0]}
fi

{
    echo "<!-- teamform-diff -->"
    if [ "$valid" -ne 0 ]; then
        echo "### teamform: the policy is invalid"
        echo
        echo "Fix the errors annotated on the changed lines; the access diff appears once the policy is valid."
    else
        if [ "$tested" -ne 0 ]; then
            echo "### teamform: access expectations fail"
            echo
            echo "\`teamform test\` found expectations that this change breaks; they are annotated on the test files, with the policy lines that break them."
            echo
        fi
        "$bin" diff "$base" HEAD --policies "$policies" --format markdown
    fi
} > "$out/diff.md"
if [ "$valid" -ne 0 ]; then
    exit "$valid"
fi
exit "$tested"

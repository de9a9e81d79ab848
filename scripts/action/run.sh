#!/usr/bin/env bash
# Runs one teamform command for the GitHub Action (action.yml) and writes its exit code as
# the step output `exit-code`; this step itself always succeeds, and the action's next step
# fails the job when the code is not 0.
#
# Environment: TEAMFORM_BIN (from install.sh), TEAMFORM_COMMAND, TEAMFORM_ARGS (split at
# whitespace, never evaluated by a shell: no quoting, no globbing, no substitution),
# GITHUB_OUTPUT. Written for bash 3.2 (macOS's) and Git Bash on Windows.
set -uo pipefail

if ! printf '%s' "${TEAMFORM_COMMAND:-}" | grep -Eq '^[a-z][a-z-]*$'; then
    echo "::error title=teamform::input \`command\` must be one teamform command such as plan, not \`${TEAMFORM_COMMAND:-}\`"
    echo "exit-code=1" >> "$GITHUB_OUTPUT"
    exit 0
fi
args=()
if [ -n "${TEAMFORM_ARGS:-}" ]; then
    # `read -d ''` reads up to the end, so arguments may also be given one per line.
    IFS=$' \t\n' read -r -d '' -a args <<< "$TEAMFORM_ARGS" || true
fi
"$TEAMFORM_BIN" "$TEAMFORM_COMMAND" ${args[@]+"${args[@]}"}
code=$?
echo "exit-code=${code}" >> "$GITHUB_OUTPUT"
exit 0

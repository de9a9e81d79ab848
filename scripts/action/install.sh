#!/usr/bin/env bash
# Installs the released `teamform` binary for this runner, for the GitHub Action (action.yml):
# downloads the release's archive for the runner's OS and architecture and the release's
# SHA256SUMS, refuses an archive whose SHA-256 differs, unpacks it under RUNNER_TEMP, adds it
# to PATH and writes its path as the step output `path`. A second run in the same job reuses it.
#
# Environment: TEAMFORM_VERSION (`0.1.0` or `v0.1.0`), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
# GITHUB_OUTPUT, GITHUB_PATH (set by the runner). TEAMFORM_RELEASES_URL replaces the release
# download URL, for a mirror or a test; it then may be plain HTTP.
# Written for bash 3.2 (macOS's) and Git Bash on Windows.
set -euo pipefail

version="${TEAMFORM_VERSION:-}"
version="${version#v}"
if ! printf '%s' "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'; then
    echo "::error title=teamform::input \`version\` must be a release such as 0.1.0, not \`${TEAMFORM_VERSION:-}\`"
    exit 1
fi

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *)
        echo "::error title=teamform::no teamform release for ${RUNNER_OS:-?} on ${RUNNER_ARCH:-?}"
        exit 1
        ;;
esac
exe=teamform
[ "$RUNNER_OS" = Windows ] && exe=teamform.exe

base="https://github.com/teamform/teamform/releases/download"
protocols="=https"
if [ -n "${TEAMFORM_RELEASES_URL:-}" ]; then
    base="${TEAMFORM_RELEASES_URL%/}"
    protocols="=http,https"
fi
asset="teamform-v${version}-${target}.tar.gz"
dest="teamform-v${version}-${target}"

cd "$RUNNER_TEMP"
if [ ! -f "$dest/$exe" ]; then
    work="$(mktemp -d "./teamform-download.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    for file in "$asset" SHA256SUMS; do
        if ! curl --fail --silent --show-error --location --retry 3 --proto "$protocols" \
            --output "$work/$file" "$base/v${version}/$file"; then
            echo "::error title=teamform::cannot download ${base}/v${version}/${file}: is ${version} a teamform release?"
            exit 1
        fi
    done
    # The sums file holds `<sha256>  <name>` lines (sha256sum's format).
    expected="$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")"
    if ! printf '%s' "$expected" | grep -Eq '^[0-9a-f]{64}$'; then
        echo "::error title=teamform::SHA256SUMS of v${version} has no single sum for ${asset}"
        exit 1
    fi
    if command -v sha256sum >/dev/null 2>&1; then
        actual="$(sha256sum "$work/$asset" | cut -d ' ' -f 1)"
    else
        actual="$(shasum -a 256 "$work/$asset" | cut -d ' ' -f 1)"
    fi
    if [ "$actual" != "$expected" ]; then
        echo "::error title=teamform::${asset} has SHA-256 ${actual}, but the release's SHA256SUMS says ${expected}: refusing it"
        exit 1
    fi
    # Relative names only: GNU tar takes `D:\...` (a Windows path) for a remote host.
    mkdir "$work/unpacked"
    (cd "$work/unpacked" && tar -xzf "../$asset")
    if [ ! -f "$work/unpacked/$exe" ]; then
        echo "::error title=teamform::${asset} holds no ${exe}"
        exit 1
    fi
    rm -rf "$dest"
    mv "$work/unpacked" "$dest"
fi

echo "teamform v${version} (${target}) is in ${RUNNER_TEMP}/${dest}"
echo "${RUNNER_TEMP}/${dest}" >> "$GITHUB_PATH"
echo "path=${RUNNER_TEMP}/${dest}/${exe}" >> "$GITHUB_OUTPUT"

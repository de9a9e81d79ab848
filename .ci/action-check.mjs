// Checks the repository's GitHub Action (action.yml): valid against the Action metadata schema
// (SchemaStore's github-action.json, vendored in schemas/), the interface that `teamform init`'s
// workflows rely on, no `${{ }}` expression inside a `run:` script (inputs reach scripts only
// through `env:`, so none can inject shell), the inputs given wherever a workflow of this
// repository uses the action, the platforms against the targets release.yml builds, and
// every bash script, inline or in a file it runs, clean under ShellCheck when ShellCheck is
// installed (.ci/run installs it).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";

const root = new URL("../", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(new URL("schemas/github-action.json", import.meta.url), "utf8"));
const action = parse(readFileSync(join(root, "action.yml"), "utf8"));
const problems = [];
let uses = 0;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
if (!validate(action)) {
  for (const e of validate.errors) problems.push(`schema: ${e.instancePath || "/"} ${e.message}`);
}

const expect = (ok, what) => ok || problems.push(`interface: ${what}`);
const inputs = action.inputs ?? {};
expect(inputs.version?.required === true, "input `version` is required");
expect(inputs.command !== undefined, "input `command` exists");
expect(inputs.args?.default === "", 'input `args` defaults to ""');
expect(Object.keys(inputs).sort().join() === "args,command,version", "the inputs are exactly version, command, args");
expect(action.outputs?.["exit-code"]?.value !== undefined, "output `exit-code` has a value");
expect(action.runs?.using === "composite", "the action is a composite action");

const scripts = [];
for (const [i, step] of (action.runs?.steps ?? []).entries()) {
  if (step.run === undefined) continue;
  const where = `step ${i + 1} (${step.name ?? step.id ?? "unnamed"})`;
  if (step.run.includes("${{")) problems.push(`${where}: an expression inside run: pass it through env:`);
  if (step.shell !== "bash") problems.push(`${where}: shell must be bash (the scripts are bash)`);
  scripts.push({ where, text: `#!/usr/bin/env bash\n${step.run}` });
  for (const m of step.run.matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+\.sh)/g)) {
    if (!existsSync(join(root, m[1]))) problems.push(`${where}: runs ${m[1]}, which does not exist`);
    else scripts.push({ where: m[1], text: readFileSync(join(root, m[1]), "utf8") });
  }
}

// Every use of this action in the repository's workflows and example workflows passes the
// required inputs and no unknown one (actionlint cannot read a remote action's metadata).
const required = Object.keys(inputs).filter((k) => inputs[k].required);
for (const rel of [".github/workflows", "deploy/github-actions"]) {
  const dir = join(root, rel);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const workflow = parse(readFileSync(join(dir, name), "utf8"));
    for (const [job, spec] of Object.entries(workflow.jobs ?? {})) {
      for (const step of spec.steps ?? []) {
        if (!/^teamform\/teamform@|^\.\/?$/.test(step.uses ?? "")) continue;
        const where = `${rel}/${name}: job ${job}, step ${step.name ?? step.id ?? step.uses}`;
        const given = Object.keys(step.with ?? {});
        for (const k of required) if (!given.includes(k)) problems.push(`${where}: no \`${k}\``);
        for (const k of given) if (!(k in inputs)) problems.push(`${where}: unknown input \`${k}\``);
        uses += 1;
      }
    }
  }
}

// The platforms the action installs for are exactly the targets the release builds.
const release = parse(readFileSync(join(root, ".github/workflows/release.yml"), "utf8"));
const built = (release.jobs?.build?.strategy?.matrix?.include ?? []).map((m) => m.target).sort();
const install = readFileSync(join(root, "scripts/action/install.sh"), "utf8");
const installed = [...install.matchAll(/^\s+\w+\/\w+\) target=([\w-]+) ;;$/gm)].map((m) => m[1]).sort();
if (built.length === 0 || built.join() !== installed.join()) {
  problems.push(`release.yml builds [${built}] but install.sh installs [${installed}]`);
}

let shellcheck = true;
try {
  execFileSync("shellcheck", ["--version"], { stdio: "ignore" });
} catch {
  shellcheck = false;
  console.log("warning: shellcheck is not installed; the action's scripts were not checked");
}
if (shellcheck) {
  const dir = mkdtempSync(join(tmpdir(), "action-check-"));
  for (const [i, s] of scripts.entries()) {
    const file = join(dir, `script-${i}.sh`);
    writeFileSync(file, s.text);
    try {
      execFileSync("shellcheck", ["--shell=bash", "--format=gcc", file], { encoding: "utf8" });
    } catch (e) {
      problems.push(`${s.where}: shellcheck:\n${e.stdout}`);
    }
  }
  rmSync(dir, { recursive: true });
}

for (const p of problems) console.log(`action.yml: ${p}`);
console.log(problems.length === 0 ? `action.yml: valid, ${scripts.length} script(s) checked, ${uses} use(s) in workflows match its inputs, ${installed.length} platforms as released` : `action.yml: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);

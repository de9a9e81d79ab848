//! Helpers shared by the plan crate's integration tests: loading and compiling policies,
//! planning against a sandbox portal and applying a plan through `teamform-apply`.

#![allow(dead_code)]

pub mod spec;

use std::error::Error;
use std::path::Path;
use teamform_apply::{Journal, Report, execute};
use teamform_compiler::{Compiled, Options, compile};
use teamform_diagnostics::{Diagnostic, SourceFile, SourceMap};
use teamform_model::{Date, LoadResult, load_dir, load_sources};
use teamform_plan::{Filter, Plan, PlanInput, make_plan};
use teamform_portal::sandbox::Sandbox;
use teamform_portal::{LiveState, Provider};

/// The result type of the tests.
pub type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// The date every test compiles with.
pub const OPTIONS: Options = Options {
    today: Date {
        year: 2026,
        month: 11,
        day: 25,
    },
};

/// A loaded and compiled policy.
pub struct CompiledPolicy {
    /// The files and the model.
    pub load: LoadResult,
    /// The compilation.
    pub compiled: Compiled,
}

impl CompiledPolicy {
    /// The error diagnostics, one line each.
    pub fn errors(&self) -> Vec<String> {
        self.compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(describe)
            .collect()
    }

    /// The warnings, one line each.
    pub fn warnings(&self) -> Vec<String> {
        self.compiled
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .map(describe)
            .collect()
    }
}

/// `TFxxxx message`.
pub fn describe(d: &Diagnostic) -> String {
    format!("{} {}", d.code, d.message)
}

/// Loads and compiles policy files given as `(path, text)`.
pub fn compile_texts(files: &[(String, String)]) -> CompiledPolicy {
    let mut sources = SourceMap::new();
    for (path, text) in files {
        sources.add(SourceFile::new(path.clone(), text.clone()));
    }
    let load = load_sources(sources);
    let compiled = compile(&load, OPTIONS);
    CompiledPolicy { load, compiled }
}

/// Loads and compiles the policy files under `dir`.
pub fn compile_dir(dir: &Path) -> CompiledPolicy {
    let load = load_dir(dir);
    let compiled = compile(&load, OPTIONS);
    CompiledPolicy { load, compiled }
}

/// Loads and compiles a policy that must have no errors.
pub fn compile_valid(files: &[(String, String)]) -> TestResult<CompiledPolicy> {
    let p = compile_texts(files);
    let errors = p.errors();
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(format!("the policy has errors: {errors:#?}").into())
    }
}

/// The policies the import round trips cover: every example but `broken`, and the demo
/// policy.
pub fn shipped_policies() -> TestResult<Vec<std::path::PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root.join("examples"))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() && entry.file_name() != "broken" {
            out.push(entry.path());
        }
    }
    out.sort();
    out.push(root.join("policies"));
    Ok(out)
}

/// Writes policy files given as `(relative path, text)` under `dir`.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> TestResult {
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// Reads the sandbox at `path`.
pub fn read_live(path: &Path) -> TestResult<LiveState> {
    Ok(Sandbox::open(path)?.read()?)
}

/// Plans `policy` against the sandbox at `path` (without changing it), with the expanded
/// access diff.
pub fn plan(policy: &CompiledPolicy, path: &Path) -> TestResult<Plan> {
    plan_in(policy, path, teamform_plan::Detail::Expanded)
}

/// [`plan`], with the access diff in `detail`.
pub fn plan_in(
    policy: &CompiledPolicy,
    path: &Path,
    detail: teamform_plan::Detail,
) -> TestResult<Plan> {
    let mut sandbox = Sandbox::open(path)?;
    let live = sandbox.read()?;
    Ok(make_plan(&PlanInput {
        load: &policy.load,
        compiled: &policy.compiled,
        live: &live,
        capabilities: sandbox.capabilities(),
        portal: sandbox.describe(),
        filter: Filter::default(),
        fingerprints: true,
        known: None,
        detail,
        screens: &teamform_portal::Screens::HUBSPOT,
    }))
}

/// Plans `policy` against the locked sandbox at `path` and executes the plan, journaled;
/// returns the plan executed and the report.
pub fn apply(policy: &CompiledPolicy, path: &Path) -> TestResult<(Plan, Report)> {
    let mut sandbox = Sandbox::open_locked(path)?;
    let live = sandbox.read()?;
    let plan = make_plan(&PlanInput {
        load: &policy.load,
        compiled: &policy.compiled,
        live: &live,
        capabilities: sandbox.capabilities(),
        portal: sandbox.describe(),
        filter: Filter::default(),
        fingerprints: true,
        known: None,
        detail: teamform_plan::Detail::Expanded,
        screens: &teamform_portal::Screens::HUBSPOT,
    });
    let plan_id = teamform_portal::fingerprint(&plan.changes);
    let mut journal = Journal::open(&sandbox.journal_path(), &plan_id)?;
    if journal.resumed {
        return Err("a journal of this plan was left over".into());
    }
    let mut progress = |_: usize, _: usize| {};
    let report = execute(&mut sandbox, &plan, &mut journal, &mut progress)
        .map_err(|e| format!("apply failed: {e:?}\nplan: {}", plan_summary(&plan)))?;
    journal.finish()?;
    Ok((plan, report))
}

/// The operations of a plan, one a line (`+ team:key`), for failure messages.
pub fn plan_summary(plan: &Plan) -> String {
    plan.changes
        .iter()
        .map(|o| {
            format!(
                "{} {} {:?} <- {:?}",
                o.action.sign(),
                o.address(),
                o.change,
                o.depends_on
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fixed scenario of the renderer and saved-plan tests, before: the live portal.
pub const BEFORE: &str = r#"[portal]
name = "Acme"
tiers = { marketing = "professional" }
seats = { core = 2, sales = 5 }

[team.sales]
name = "Sales"

[team.sales-fr]
name = "Sales France"
parent = "sales"

[team.support]
name = "Support"
parent = "sales"

[team.legacy]
name = "Legacy"

[role.rep]
name = "Sales Rep"
crm.contacts = { view = "owned", edit = "owned" }

[role.manager]
name = "Sales Manager"
crm.contacts = { view = "team", edit = "team" }
tools.forms = ["view", "edit"]

[user."alice@acme.example"]
name = "Alice Martin"
role = "manager"
team = "sales-fr"

[user."bob@acme.example"]
name = "Bob Stone"
role = "rep"
team = "legacy"

[user."carol@acme.example"]
name = "Carol Diaz"
role = "rep"
team = "sales"

[user."root@acme.example"]
name = "Root Admin"
role = "manager"
team = "sales"
super_admin = true
seats = ["core"]

[asset.form.contact]
name = "Contact us"
teams = ["sales-fr"]
"#;

/// The fixed scenario, after: `sales-fr` renamed (with `previously`), `support` made a root
/// team, `legacy` removed, a new team `partners`; the manager role changed; Bob moved off
/// `legacy` to `support`; Carol removed; Dave new on the new team; the super admin without
/// a role; the form also partitioned to the new team.
pub const AFTER: &str = r#"[portal]
name = "Acme"
tiers = { marketing = "professional" }
seats = { core = 2, sales = 5 }

[team.sales]
name = "Sales"

[team.sales-fr]
name = "Ventes France"
previously = "Sales France"
parent = "sales"

[team.support]
name = "Support"

[team.partners]
name = "Partners"
parent = "sales"

[role.rep]
name = "Sales Rep"
crm.contacts = { view = "owned", edit = "owned" }

[role.manager]
name = "Sales Manager"
crm.contacts = { view = "team", edit = "team", delete = true }
crm.deals = { view = "team" }
tools.forms = ["view", "edit", "publish"]

[user."alice@acme.example"]
name = "Alice Martin"
role = "manager"
team = "sales-fr"

[user."bob@acme.example"]
name = "Bob Stone"
role = "rep"
team = "support"

[user."dave@acme.example"]
name = "Dave Okafor"
role = "rep"
team = "partners"
seats = ["sales"]

[user."root@acme.example"]
name = "Root Admin"
team = "sales"
super_admin = true
seats = ["core"]

[asset.form.contact]
name = "Contact us"
teams = ["sales-fr", "partners"]
"#;

/// The portal description used in the scenario's plans (stable, unlike a temporary path).
pub const SCENARIO_PORTAL: &str = "sandbox:scenario.json";

/// One policy file.
pub fn one_file(text: &str) -> Vec<(String, String)> {
    vec![("policy.toml".to_string(), text.to_string())]
}

/// Plans `policy` against `live`, as the portal [`SCENARIO_PORTAL`] with full capabilities.
pub fn plan_against(policy: &CompiledPolicy, live: &LiveState) -> Plan {
    make_plan(&PlanInput {
        load: &policy.load,
        compiled: &policy.compiled,
        live,
        capabilities: teamform_portal::Capabilities::FULL,
        portal: SCENARIO_PORTAL.to_string(),
        filter: Filter::default(),
        fingerprints: true,
        known: None,
        detail: teamform_plan::Detail::Expanded,
        screens: &teamform_portal::Screens::HUBSPOT,
    })
}

/// The scenario: [`BEFORE`] applied to a fresh sandbox in `dir`, the live state read back and
/// the plan of [`AFTER`] against it.
pub fn scenario(dir: &Path) -> TestResult<(LiveState, Plan)> {
    let path = dir.join("sandbox.json");
    apply(&compile_valid(&one_file(BEFORE))?, &path)?;
    let live = read_live(&path)?;
    let after = compile_valid(&one_file(AFTER))?;
    let plan = plan_against(&after, &live);
    Ok((live, plan))
}

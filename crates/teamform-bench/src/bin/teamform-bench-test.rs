//! `teamform-bench-test`: measures `teamform test` on the large organisation
//! ([`OrgSize::large`]): 1,000 expectations of every kind (`can`, `cannot`, `only`, `sees`,
//! `not_sees`; about users, team members and role holders) in 10 test files, read and checked
//! against the compiled policy, best of three runs, compared with the parse floor of the
//! policy. It exits with a failure when the tests take more than 0.5 × the floor on top of
//! compiling. Run it with `cargo run --release -p teamform-bench --bin teamform-bench-test`.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use teamform_bench::measure::{TempDir, floor, ms};
use teamform_bench::{OrgSize, generate, write};
use teamform_compiler::{Options, compile};
use teamform_model::{Date, Policy, discover, load_dir};

/// The most the tests may take, as a multiple of the floor.
const MAX_RATIO: f64 = 0.5;
/// How many expectations, and in how many files.
const EXPECTATIONS: usize = 1000;
const FILES: usize = 10;
/// How many times each measurement runs; the best run counts.
const RUNS: usize = 3;

const CRM: &[&str] = &[
    "crm.contacts.view",
    "crm.deals.edit",
    "crm.companies.view",
    "crm.tickets.delete",
];
const OTHER: &[&str] = &[
    "account.export",
    "account.reassign_owner",
    "tools.forms.view",
    "tools.marketing_email.publish",
    "super_admin",
];
const SCOPES: &[&str] = &["owned", "team", "everything"];

/// The expectations, spread over the policy's users, teams, roles and assets.
fn expectations(policy: &Policy) -> Vec<String> {
    let (users, teams, roles, assets) = (
        policy.users.len(),
        policy.teams.len(),
        policy.roles.len(),
        policy.assets.len(),
    );
    let mut files = vec![String::new(); FILES];
    for i in 0..EXPECTATIONS {
        let out = &mut files[i % FILES];
        let subject = match i % 3 {
            0 => format!("user = \"{}\"", policy.users[(i * 7919) % users].key.value),
            1 => format!(
                "members_of = \"{}\"",
                policy.teams[(i * 31) % teams].key.value
            ),
            _ => format!("role = \"{}\"", policy.roles[(i * 13) % roles].key.value),
        };
        let asset = policy.assets[(i * 4099) % assets].reference();
        let crm = CRM[i % CRM.len()];
        let scope = SCOPES[i % SCOPES.len()];
        let other = OTHER[i % OTHER.len()];
        let _ = match i % 8 {
            0 => writeln!(
                out,
                "[[can]]\n{subject}\npermission = \"{crm}\"\nat_least = \"{scope}\"\n"
            ),
            1 => writeln!(out, "[[can]]\n{subject}\npermission = \"{other}\"\n"),
            2 => writeln!(
                out,
                "[[cannot]]\n{subject}\npermission = \"{crm}\"\nwider_than = \"{scope}\"\n"
            ),
            3 => writeln!(out, "[[cannot]]\n{subject}\npermission = \"{other}\"\n"),
            4 => writeln!(out, "[[only]]\npermission = \"{other}\"\nat_most = 5\n"),
            5 => writeln!(
                out,
                "[[only]]\npermission = \"{crm}\"\nat_least = \"everything\"\nusers = [\"{}\"]\n",
                policy.users[(i * 104_729) % users].key.value
            ),
            6 => writeln!(out, "[[sees]]\n{subject}\nasset = \"{asset}\"\n"),
            _ => writeln!(out, "[[not_sees]]\n{subject}\nasset = \"{asset}\"\n"),
        };
    }
    files
}

fn run() -> Result<bool, String> {
    let size = OrgSize::large();
    let dir = TempDir::new("teamform-bench-test")
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let files = generate(&size, 1);
    write(dir.path(), &files)
        .map_err(|e| format!("cannot write `{}`: {e}", dir.path().display()))?;
    drop(files);
    let options = Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 25,
        },
    };
    let mut loaded = load_dir(dir.path());
    let compiled = compile(&loaded, options);
    let tests = teamform_expect::tests_dir(dir.path());
    std::fs::create_dir_all(&tests).map_err(|e| format!("cannot create the tests: {e}"))?;
    for (n, text) in expectations(&loaded.policy).iter().enumerate() {
        std::fs::write(tests.join(format!("expect-{n:03}.toml")), text)
            .map_err(|e| format!("cannot write a test file: {e}"))?;
    }
    let paths = discover(dir.path()).map_err(|e| format!("cannot list the policy: {e}"))?;

    let mut best_floor: Option<Duration> = None;
    let mut best_test: Option<Duration> = None;
    let mut summary = String::new();
    for run in 1..=RUNS {
        let f = floor(&paths)?;
        best_floor = Some(best_floor.map_or(f, |b| b.min(f)));
        let start = Instant::now();
        let suite = teamform_expect::load_dir(&tests, &mut loaded.sources);
        let report = teamform_expect::run(&loaded.policy, &compiled, &suite);
        let t = start.elapsed();
        best_test = Some(best_test.map_or(t, |b| b.min(t)));
        if report.checked != EXPECTATIONS || !suite.diagnostics.is_empty() {
            return Err(format!(
                "{} expectations read of {EXPECTATIONS}, {} problems reading them",
                report.checked,
                suite.diagnostics.len()
            ));
        }
        summary = format!(
            "{} expectations: {} passed, {} failed",
            report.checked, report.passed, report.failed
        );
        eprintln!("run {run}/{RUNS}: {summary} in {:.0} ms", ms(t));
    }
    let (Some(floor), Some(test)) = (best_floor, best_test) else {
        return Err("nothing was measured".to_string());
    };
    let ratio = test.as_secs_f64() / floor.as_secs_f64();
    println!("users: {}, {summary}", loaded.policy.users.len());
    println!("| measurement (best of {RUNS}) | ms | × floor |");
    println!("|---|---:|---:|");
    println!(
        "| floor: read + `toml::from_str::<Table>`, 1 thread | {:.0} | 1.00 |",
        ms(floor)
    );
    println!(
        "| `teamform test`: read 1,000 expectations and check them | {:.0} | {ratio:.2} |",
        ms(test)
    );
    if ratio > MAX_RATIO {
        println!("FAIL: the tests took {ratio:.2}× the floor, more than {MAX_RATIO}×");
        return Ok(false);
    }
    Ok(true)
}

fn main() -> ExitCode {
    teamform_bench::measure::verdict(run())
}

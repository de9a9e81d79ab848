//! `teamform-bench-records`: measures the hand-over of one removed user's CRM records through
//! the HubSpot provider against the simulator with HubSpot's limits (100 requests per ten
//! seconds, 5 searches per second, batches of 100): 100,000 contacts (or `--records N`) owned
//! by one user are given to another with one `ReassignRecords` change, then counted back.
//!
//! The floor is what HubSpot's limits allow: one search page of 100 per 250 ms (4 searches a
//! second, the pace under the documented 4–5), so `N / 100 / 4` seconds; the batch updates
//! (one per page) fit beside the searches within the ten-second limit. It exits with a failure
//! when the hand-over takes more than 1.10 × the floor, or when a record is left behind. Run
//! it with `cargo run --release -p teamform-bench --bin teamform-bench-records`.

use std::process::ExitCode;
use std::time::{Duration, Instant};
use teamform_bench::measure::TempDir;
use teamform_hubspot::{HubSpot, Options, Token};
use teamform_portal::sandbox::{Sandbox, SandboxFile};
use teamform_portal::{Change, LiveRecord, LiveUser, Provider, RecordObject};
use teamform_sim::{SimConfig, Simulator};

/// The most the hand-over may take, as a multiple of the floor.
const MAX_RATIO: f64 = 1.10;
/// The token of the simulator.
const TOKEN: &str = "pat-na1-bench-records";

fn user(file: &mut SandboxFile, email: &str) -> String {
    let id = file.new_id();
    file.state.users.push(LiveUser {
        id: id.clone(),
        email: email.to_string(),
        name: email.to_string(),
        role_id: None,
        primary_team_id: None,
        additional_team_ids: Vec::new(),
        super_admin: false,
        seats: Vec::new(),
    });
    id
}

/// A portal of two users, the first owning `records` contacts.
fn portal(records: usize) -> (SandboxFile, String, String) {
    let mut file = SandboxFile::default();
    let from = user(&mut file, "leaver@bench.example");
    let to = user(&mut file, "successor@bench.example");
    for _ in 0..records {
        let id = file.new_id();
        file.records.push(LiveRecord {
            id,
            object: RecordObject::Contacts,
            owner: Some(from.clone()),
            properties: Default::default(),
        });
    }
    (file, from, to)
}

/// Serves `state` on a thread of its own (the provider runs its own runtime) and returns the
/// base URL.
fn serve(state: &std::path::Path) -> Result<String, String> {
    let config = SimConfig::new(state, TOKEN);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let simulator = Simulator::open(&config).map_err(|e| e.to_string())?;
    std::thread::spawn(move || runtime.block_on(simulator.serve(listener)));
    Ok(format!("http://{addr}"))
}

fn records_arg() -> Result<usize, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(100_000),
        [flag, n] if flag == "--records" => n.parse().map_err(|_| format!("not a count: {n}")),
        _ => Err("usage: teamform-bench-records [--records N]".to_string()),
    }
}

fn run() -> Result<bool, String> {
    let records = records_arg()?;
    let dir = TempDir::new("teamform-bench-records").map_err(|e| e.to_string())?;
    let state = dir.path().join("portal.json");
    let (file, from, to) = portal(records);
    Sandbox::open(&state)
        .and_then(|s| s.save(&file))
        .map_err(|e| e.to_string())?;
    let base = serve(&state)?;
    let token = Token::new(TOKEN).map_err(|e| e.to_string())?;
    let mut hubspot =
        HubSpot::with_options(&base, token, Options::default()).map_err(|e| e.to_string())?;
    let change = Change::ReassignRecords {
        object: RecordObject::Contacts,
        from_id: from.clone(),
        to_id: to.clone(),
    };
    let start = Instant::now();
    let (_, error) = hubspot.apply(&[change]);
    let took = start.elapsed();
    if let Some(e) = error {
        return Err(format!("the hand-over failed: {e}"));
    }
    let left = hubspot
        .owned_records(std::slice::from_ref(&from))
        .map_err(|e| e.to_string())?;
    let given = hubspot
        .owned_records(std::slice::from_ref(&to))
        .map_err(|e| e.to_string())?;
    let moved = given
        .get(&to)
        .and_then(|c| c.get(&RecordObject::Contacts))
        .copied()
        .unwrap_or(0);
    let pages = records.div_ceil(100);
    let floor = Duration::from_millis(u64::try_from(pages).unwrap_or(u64::MAX) * 250);
    let ratio = took.as_secs_f64() / floor.as_secs_f64().max(0.001);
    println!("| records | requests | floor (s) | hand-over (s) | ratio |");
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {records} | {} | {:.1} | {:.1} | {ratio:.3} |",
        hubspot.requests_sent(),
        floor.as_secs_f64(),
        took.as_secs_f64()
    );
    let complete = left.is_empty() && moved == records as u64;
    if !complete {
        eprintln!(
            "error: {moved} of {records} records moved; left with the removed user: {left:?}"
        );
    }
    if ratio > MAX_RATIO {
        eprintln!("error: the hand-over took {ratio:.3} × the floor, more than {MAX_RATIO}");
    }
    Ok(complete && ratio <= MAX_RATIO)
}

fn main() -> ExitCode {
    teamform_bench::measure::verdict(run())
}

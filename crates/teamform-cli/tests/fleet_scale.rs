//! The fleet at scale: one `teamform reconcile --portals-dir` in `apply` mode over 50 portals,
//! each served by its own `teamform sim` on loopback with 20 ms of latency per request; five
//! of them inject faults (10% of requests answered 5xx, 429 or dropped), one is killed after
//! the first cycle, and Bob renames himself by hand in ten, which the next cycle reverts. It
//! records every portal's cycle times, the requests a cycle costs and the process's memory,
//! and prints them (the figures of `docs/fleet.md`). `#[ignore]`d, as it takes a minute or
//! two: `cargo test -p teamform-cli --test fleet_scale -- --ignored --nocapture`
//! (`TEAMFORM_FLEET_PORTALS=N` for another size). The default suite runs the small fleet of
//! `tests/fleet.rs` (three portals, one failing).

mod common;

use common::fleet::{fleet, rename_bob};
use common::*;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

/// A field of `/proc/PID/status` in kB (`VmHWM`, `VmRSS`) or a count (`Threads`).
fn status(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    (text.lines())
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Every portal's cycle log lines, by portal.
type Cycles = BTreeMap<String, Vec<serde_json::Value>>;

fn percentile(sorted: &[u64], p: f64) -> u64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0)
}

#[test]
#[ignore = "long: cargo test -p teamform-cli --test fleet_scale -- --ignored --nocapture"]
fn one_process_reconciles_fifty_portals_with_faults() -> std::io::Result<()> {
    let n: usize = (std::env::var("TEAMFORM_FLEET_PORTALS").ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    const CYCLES: usize = 5;
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let names: Vec<String> = (0..n).map(|i| format!("p{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let faulty = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .is_some_and(|i| i % 10 == 1)
    };
    let started = std::time::Instant::now();
    let mut portals = fleet(dir, &refs, |name| {
        let mut args = vec!["--latency-ms".to_string(), "20".to_string()];
        if faulty(name) {
            args.extend(["--fail-rate", "0.1", "--seed", "7"].map(String::from));
        }
        args
    })?;
    eprintln!("{n} portals seeded and served in {:.1?}", started.elapsed());
    std::fs::create_dir_all(dir.join("secrets"))?;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamform"));
    cmd.args(["reconcile", "--portals-dir", "portals", "--mode", "apply"])
        .args([
            "--interval",
            "2s",
            "--today=2026-11-25",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--repo")
        .arg(dir.join("repo"))
        .current_dir(dir)
        .env("HUBSPOT_TOKEN_DIR", dir.join("secrets"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for p in &portals {
        std::fs::write(dir.join("secrets").join(&p.name), &p.token)?;
        cmd.env(
            format!("HUBSPOT_API_BASE_{}", p.name.to_uppercase()),
            &p.sim.base,
        );
    }
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let Some(stdout) = child.stdout.take() else {
        return Err(std::io::Error::other("no stdout"));
    };
    let rx = json_lines(stdout);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(900);
    let mut cycles: Cycles = BTreeMap::new();
    let (mut peak_rss, mut threads) = (0u64, 0u64);
    // Reads lines until `done` holds of the cycles so far.
    let mut read_until = |cycles: &mut Cycles, done: &dyn Fn(&Cycles) -> bool| -> bool {
        while !done(cycles) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Ok(v) = rx.recv_timeout(left) else {
                return false;
            };
            peak_rss = peak_rss.max(status(pid, "VmRSS"));
            threads = threads.max(status(pid, "Threads"));
            if v["event"] == "cycle" {
                let name = v["portal"].as_str().unwrap_or_default().to_string();
                cycles.entry(name).or_default().push(v);
            }
        }
        true
    };
    let every = |k: usize| move |c: &Cycles| c.len() == n && c.values().all(|v| v.len() >= k);
    assert!(
        read_until(&mut cycles, &every(1)),
        "every portal ran a cycle"
    );
    let first_round = started.elapsed();

    // Bob changes ten portals by hand; the last portal's simulator dies.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::new();
    let drifted: Vec<String> = (portals.iter().enumerate())
        .filter(|(i, _)| i % 5 == 2)
        .map(|(_, p)| p.name.clone())
        .collect();
    for p in portals.iter().filter(|p| drifted.contains(&p.name)) {
        rt.block_on(rename_bob(&http, p))
            .map_err(std::io::Error::other)?;
    }
    let dead = names[n - 1].clone();
    if let Some(p) = portals.last_mut() {
        p.sim.child.kill()?;
    }
    let alive: Vec<String> = names.iter().filter(|n| **n != dead).cloned().collect();
    let enough = |c: &Cycles| {
        alive
            .iter()
            .all(|n| c.get(n).is_some_and(|v| v.len() >= CYCLES))
    };
    assert!(
        read_until(&mut cycles, &enough),
        "every live portal ran {CYCLES} cycles"
    );
    let hwm = status(pid, "VmHWM");
    assert_eq!(terminate(&mut child)?, Some(0), "stops cleanly on SIGTERM");

    // What happened.
    for name in &drifted {
        let lines = cycles.get(name).cloned().unwrap_or_default();
        let reverted = lines
            .iter()
            .any(|v| v["drift"] == true && v["performed"] == 1);
        let who = lines
            .iter()
            .find_map(|v| v["attribution"][0]["by"].as_str().map(str::to_string));
        assert!(reverted, "{name}'s drift was reverted: {lines:?}");
        assert_eq!(who.as_deref(), Some(format!("bob@{name}.example").as_str()));
    }
    let dead_lines = cycles.get(&dead).cloned().unwrap_or_default();
    assert!(dead_lines.iter().any(|v| v["status"] == "portal-error"));
    let mut table = String::from("portal  kind     cycles  ok  mean_ms  max_ms  requests/cycle\n");
    let (mut healthy, mut faults) = (Vec::new(), Vec::new());
    for (name, lines) in &cycles {
        let kind = match name {
            n if *n == dead => "killed",
            n if faulty(n) => "faults",
            n if drifted.contains(n) => "drifted",
            _ => "clean",
        };
        let ms: Vec<u64> = lines
            .iter()
            .filter_map(|v| v["duration_ms"].as_u64())
            .collect();
        let ok = lines.iter().filter(|v| v["status"] == "ok").count();
        let requests: u64 = (lines.iter())
            .filter_map(|v| v["requests"].as_object())
            .flat_map(|r| r.values().filter_map(|x| x.as_u64()))
            .sum();
        let mean = ms.iter().sum::<u64>() / (ms.len().max(1) as u64);
        let max = ms.iter().copied().max().unwrap_or(0);
        table.push_str(&format!(
            "{name:<7} {kind:<8} {:>6}  {ok:>2}  {mean:>7}  {max:>6}  {:>14.1}\n",
            lines.len(),
            requests as f64 / lines.len().max(1) as f64
        ));
        match kind {
            "faults" => faults.extend(ms),
            "killed" => {}
            _ => healthy.extend(ms),
        }
        if kind != "killed" {
            assert!(lines.len() >= CYCLES, "{name} ran {CYCLES} cycles");
        }
    }
    healthy.sort_unstable();
    faults.sort_unstable();
    println!("{table}");
    println!(
        "{n} portals, first cycle of all in {first_round:.1?}; healthy cycles p50 {} ms, p95 {} ms, max {} ms; with faults p50 {} ms, p95 {} ms, max {} ms",
        percentile(&healthy, 0.5),
        percentile(&healthy, 0.95),
        healthy.last().copied().unwrap_or(0),
        percentile(&faults, 0.5),
        percentile(&faults, 0.95),
        faults.last().copied().unwrap_or(0),
    );
    println!(
        "reconcile process: peak RSS {} MiB (VmHWM), {} threads at most",
        hwm.max(peak_rss) / 1024,
        threads
    );
    Ok(())
}

//! `teamform sim` as a process: the first line names the address, and the portal answers
//! over HTTP with the bearer token (401 without).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str, token: Option<&str>) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

#[test]
fn sim_prints_its_address_first_and_serves_the_sandbox() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let state = dir.path().join("portal.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args(["sim", "--listen", "127.0.0.1:0", "--token", "s3cr3t-t0ken"])
        .arg("--state")
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let Some(stdout) = child.stdout.take() else {
        return Err(std::io::Error::other("no stdout"));
    };
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_default()
        .to_string();
    assert!(!addr.is_empty(), "first line: {first}");
    let ok = get(&addr, "/settings/v3/users?limit=100", Some("s3cr3t-t0ken"))?;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("\"results\":[]"), "{ok}");
    assert!(
        ok.to_lowercase().contains("x-hubspot-ratelimit-max: 100"),
        "{ok}"
    );
    let denied = get(&addr, "/settings/v3/users", None)?;
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");
    assert!(!denied.contains("s3cr3t-t0ken"));
    child.kill()?;
    child.wait()?;
    assert!(state.exists(), "the sandbox file was created");
    Ok(())
}

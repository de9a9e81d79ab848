//! A create whose answer never comes (a timeout) is looked up by email before it is sent
//! again, against a hand-written server that performs the create and then stays silent.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teamform_hubspot::{HubSpot, Options, RetryPolicy, Token};
use teamform_portal::{Change, Provider};

#[derive(Default)]
struct Server {
    /// Whether the first create is performed before the silence.
    performs: bool,
    created: bool,
    calls: Vec<String>,
}

fn request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        if h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, target))
}

fn answer(stream: &mut TcpStream, status: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes());
}

const USER: &str = r#"{"id":"42","email":"alice@acme.example","roleIds":[],"superAdmin":false}"#;

fn serve(server: Arc<Mutex<Server>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = server.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let Some((method, target)) = request(&mut stream) else {
                    return;
                };
                let first_post = {
                    let mut s = server.lock().expect("lock");
                    s.calls.push(format!("{method} {target}"));
                    let first = method == "POST"
                        && !s.calls[..s.calls.len() - 1]
                            .iter()
                            .any(|c| c.starts_with("POST"));
                    if method == "POST" && (!first || s.performs) {
                        s.created = true;
                    }
                    first
                };
                if first_post {
                    // The answer never comes in time.
                    std::thread::sleep(Duration::from_secs(3));
                    return;
                }
                let created = server.lock().expect("lock").created;
                match method.as_str() {
                    "POST" => answer(&mut stream, "201 Created", USER),
                    "GET" if created => answer(&mut stream, "200 OK", USER),
                    _ => answer(
                        &mut stream,
                        "404 Not Found",
                        r#"{"category":"OBJECT_NOT_FOUND","message":"no such user","correlationId":"x"}"#,
                    ),
                }
            });
        }
    });
    base
}

fn create(base: &str) -> (Option<String>, Option<String>) {
    let options = Options {
        timeout: Duration::from_millis(400),
        retry: RetryPolicy {
            attempts: 4,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(100),
        },
        ..Options::default()
    };
    let mut hubspot = HubSpot::with_options(base, Token::new("t0ken").expect("token"), options)
        .expect("provider");
    let (outcomes, error) = hubspot.apply(&[Change::CreateUser {
        email: "alice@acme.example".into(),
        name: "Alice Martin".into(),
        role_id: None,
        primary_team_id: None,
        additional_team_ids: vec![],
        super_admin: false,
        seats: vec![],
    }]);
    (
        outcomes.first().and_then(|o| o.created_id.clone()),
        error.map(|e| e.to_string()),
    )
}

#[test]
fn a_create_that_went_through_is_found_and_not_sent_again() {
    let server = Arc::new(Mutex::new(Server {
        performs: true,
        ..Server::default()
    }));
    let base = serve(server.clone());
    let (id, error) = create(&base);
    assert_eq!((id.as_deref(), error), (Some("42"), None));
    let calls = server.lock().expect("lock").calls.clone();
    assert_eq!(
        calls,
        [
            "POST /settings/users/2026-09-beta",
            "GET /settings/users/2026-09-beta/alice%40acme.example?idProperty=EMAIL"
        ]
    );
}

#[test]
fn a_create_that_did_not_go_through_is_sent_again_after_looking() {
    let server = Arc::new(Mutex::new(Server::default()));
    let base = serve(server.clone());
    let (id, error) = create(&base);
    assert_eq!((id.as_deref(), error), (Some("42"), None));
    let calls = server.lock().expect("lock").calls.clone();
    assert_eq!(
        calls,
        [
            "POST /settings/users/2026-09-beta",
            "GET /settings/users/2026-09-beta/alice%40acme.example?idProperty=EMAIL",
            "POST /settings/users/2026-09-beta"
        ]
    );
}

//! HubSpot's official clients against the simulator, unchanged but for their base URL: the
//! Python `hubspot-api-client` and the Node `@hubspot/api-client`. Each test is skipped, with a
//! message, where its client is not installed. CI installs them with
//! `python3 -m pip install hubspot-api-client==12.0.0` and
//! `npm install --prefix crates/teamform-sim/tests/node --no-save @hubspot/api-client@13`.

mod common;

use common::{drive, succeeds};
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_client_works_unchanged() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python");
    if !succeeds("python3", &["-c", "import hubspot"], Path::new(dir)) {
        eprintln!(
            "SKIPPED: HubSpot's Python client is not installed (python3 -m pip install hubspot-api-client==12.0.0)"
        );
        return;
    }
    drive("python3", "hubspot_client.py", dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_node_client_works_unchanged() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/node");
    let probe = ["-e", "require.resolve('@hubspot/api-client')"];
    if !succeeds("node", &probe, Path::new(dir)) {
        eprintln!(
            "SKIPPED: HubSpot's Node client is not installed (npm install --prefix crates/teamform-sim/tests/node --no-save @hubspot/api-client@13)"
        );
        return;
    }
    drive("node", "hubspot_client.js", dir).await;
}

//! The `qbo-sim` binary: `--port`, `--seed <fixture>`, prints its URL and serves the seed.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Kills the simulator process however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_a_seed_file_and_prints_its_url() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed.json");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_qbo-sim"))
            .args(["--port", "0", "--seed", fixture])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.split_whitespace().last().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let state: Value = reqwest::get(format!("{url}/_sim/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["companies"].as_array().unwrap().len(), 3);

    let refused = Command::new(env!("CARGO_BIN_EXE_qbo-sim"))
        .args(["--port"])
        .output()
        .unwrap();
    assert!(!refused.status.success(), "a bad command line is refused");
}

//! What both simulator binaries share: `--port N` and `--seed fixture.json`, then run until Ctrl-C.

use std::path::PathBuf;

/// The port (0 = any free one) and the seed file, if given.
pub fn args(program: &str) -> Result<(u16, Option<PathBuf>), String> {
    let usage = || format!("usage: {program} [--port N] [--seed fixture.json]");
    let mut port = 0;
    let mut seed = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => port = p.parse().map_err(|_| usage())?,
            ("--seed", Some(path)) => seed = Some(PathBuf::from(path)),
            _ => return Err(usage()),
        }
    }
    Ok((port, seed))
}

/// Reads a seed fixture of any shape.
pub fn read_seed<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Prints where the simulator listens and keeps it up until Ctrl-C.
pub async fn serve_until_ctrl_c(label: &str, base_url: &str) -> std::io::Result<()> {
    println!("{label} on {base_url}");
    tokio::signal::ctrl_c().await
}

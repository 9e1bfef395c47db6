//! `make bench`: figures for the deployable functions. See `infra/scripts/bench.sh`, which builds them with
//! `sam build` and runs this against a private moto.
//!
//! `bench [--<part>-only] [<sam build dir>]`: the parts are `cold-starts`, `handlers` and `sync`.

mod cold_start;
mod handlers;
mod report;
mod runtime_api;
mod sync;
mod webhook;

use std::path::{Path, PathBuf};

/// The template's functions and their build output directories.
const FUNCTIONS: &[(&str, &str)] = &[
    ("oauth-callback", "OAuthCallbackFunction"),
    ("invoice-card", "InvoiceCardFunction"),
    ("workflow-actions", "WorkflowActionsFunction"),
    ("scheduled-sync", "ScheduledSyncFunction"),
];
const RUNS: usize = 9;
const PARTS: &[&str] = &["cold-starts", "handlers", "sync", "webhook"];

struct Args {
    only: Option<String>,
    build_dir: PathBuf,
}

impl Args {
    fn parse() -> anyhow::Result<Self> {
        let mut only = None;
        let mut build_dir = test_support::template::repo_root().join(".aws-sam/build");
        for arg in std::env::args().skip(1) {
            match arg.strip_prefix("--").and_then(|a| a.strip_suffix("-only")) {
                Some(part) if PARTS.contains(&part) => only = Some(part.to_string()),
                Some(_) => anyhow::bail!("{arg}: the parts are {PARTS:?} (--<part>-only)"),
                None => build_dir = PathBuf::from(arg),
            }
        }
        Ok(Self { only, build_dir })
    }

    fn wants(&self, part: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == part)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse()?;
    if args.wants("cold-starts") {
        cold_starts(&args.build_dir).await?;
    }
    if args.wants("handlers") {
        handlers_report().await?;
    }
    if args.wants("sync") {
        sync::report(&args.build_dir).await?;
    }
    if args.wants("webhook") {
        println!("{}", webhook::measure().await?.line());
    }
    Ok(())
}

async fn cold_starts(build_dir: &Path) -> anyhow::Result<()> {
    let env = cold_start::LambdaEnv::on_moto(&test_support::moto_endpoint()).await?;
    let mut rows = Vec::new();
    for (name, logical_id) in FUNCTIONS {
        let binary = build_dir.join(logical_id).join("bootstrap");
        let size = std::fs::metadata(&binary)
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}: {e} (run `make bench`, which builds it)",
                    binary.display()
                )
            })?
            .len();
        let samples = cold_start::measure(&binary, &env, RUNS).await?;
        rows.push(report::Row::new(name, size, &samples));
    }
    println!("{}", report::table(&rows, RUNS));
    println!(
        "cold start = process start until the runtime asks for its first event (GET .../invocation/next),\n\
         including the app-credentials read from Secrets Manager (moto on loopback); binaries from {}",
        build_dir.display()
    );
    println!();
    Ok(())
}

async fn handlers_report() -> anyhow::Result<()> {
    for figure in handlers::measure().await? {
        println!("{}", figure.line());
    }
    println!("{}", handlers::explain());
    println!("{}", handlers::draft_burst().await?.line());
    Ok(())
}

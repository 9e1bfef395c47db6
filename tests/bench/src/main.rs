//! `make bench`: figures for the deployable functions. See `infra/scripts/bench.sh`, which builds them with
//! `sam build` and runs this against a private moto.

mod cold_start;
mod handlers;
mod report;
mod runtime_api;
mod webhook;

use std::path::PathBuf;

/// The template's functions and their build output directories.
const FUNCTIONS: &[(&str, &str)] = &[
    ("oauth-callback", "OAuthCallbackFunction"),
    ("invoice-card", "InvoiceCardFunction"),
    ("workflow-actions", "WorkflowActionsFunction"),
    ("scheduled-sync", "ScheduledSyncFunction"),
];
const RUNS: usize = 9;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `--handlers-only` skips the cold starts (which need `sam build`'s binaries).
    if std::env::args().nth(1).as_deref() == Some("--handlers-only") {
        return handlers_report().await;
    }
    let build_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| test_support::template::repo_root().join(".aws-sam/build"));
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
    handlers_report().await
}

async fn handlers_report() -> anyhow::Result<()> {
    for figure in handlers::measure().await? {
        println!("{}", figure.line());
    }
    println!("{}", handlers::explain());
    println!("{}", handlers::draft_burst().await?.line());
    println!("{}", webhook::measure().await?.line());
    Ok(())
}

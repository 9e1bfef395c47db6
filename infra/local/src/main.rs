//! `make run`: the whole integration on loopback, without AWS, HubSpot or Intuit accounts.

mod gateway;
mod moto;
mod scheduler;

use anyhow::Context;
use gateway::{Function, Gateway};
use std::time::Duration;
use test_support::template::{repo_root, Template};

const TABLE: &str = "hs-qbo-local";
const APP_SECRET: &str = "hs-qbo/local/app";
const TOKEN_PREFIX: &str = "hs-qbo/local/tokens/";
/// Local runs come this many times more often than the template's schedule, so a run happens while you watch.
const SCHEDULE_SPEEDUP: u32 = 15;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let repo = repo_root();
    let template = Template::load(&repo.join("template.yaml")).map_err(|e| anyhow::anyhow!(e))?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);

    let moto = moto::Moto::start(&repo).await?;
    let result = serve(&template, &moto.endpoint, port).await;
    moto.stop().await;
    println!("stopped: gateway, scheduler, moto");
    result
}

async fn serve(template: &Template, moto_endpoint: &str, port: u16) -> anyhow::Result<()> {
    let sdk = test_support::aws_config(moto_endpoint).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    template
        .create_table(&dynamodb, TABLE)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let credentials = serde_json::json!({
        "hubspot_client_id": env_or("HUBSPOT_CLIENT_ID", "local-hubspot-client-id"),
        "hubspot_client_secret": env_or("HUBSPOT_CLIENT_SECRET", "local-hubspot-client-secret"),
        "intuit_client_id": env_or("INTUIT_CLIENT_ID", "local-intuit-client-id"),
        "intuit_client_secret": env_or("INTUIT_CLIENT_SECRET", "local-intuit-client-secret"),
        "intuit_webhook_verifier": env_or("INTUIT_WEBHOOK_VERIFIER", "local-intuit-verifier"),
    });
    aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(APP_SECRET)
        .secret_string(credentials.to_string())
        .send()
        .await
        .context("creating the app-credentials secret in moto")?;

    let public_base = format!("http://127.0.0.1:{port}");
    let config = shared::Config::from_lookup(|name| match name {
        "STAGE" => Some("local".into()),
        "TABLE_NAME" => Some(TABLE.into()),
        "APP_SECRET_ID" => Some(APP_SECRET.into()),
        "TOKEN_SECRET_PREFIX" => Some(TOKEN_PREFIX.into()),
        "PUBLIC_BASE_URL" => Some(public_base.clone()),
        other => std::env::var(other).ok(),
    })?;
    let app = shared::App::new(config, &sdk).await?;

    let mut routes = Vec::new();
    for route in template.http_routes() {
        let function = Function::for_code_uri(&route.code_uri)
            .with_context(|| format!("no local handler for CodeUri {}", route.code_uri))?;
        routes.push((route, function));
    }
    let schedules = template.schedules();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("port {port} is taken; set PORT to another"))?;

    println!("HubSpot ⇄ QuickBooks local stack");
    println!("  moto (DynamoDB, Secrets Manager)  {moto_endpoint}   table {TABLE}, app secret {APP_SECRET}");
    println!("  gateway (routes from template.yaml)  {public_base}");
    for (route, function) in &routes {
        println!("    {:<6} {:<28} → {function:?}", route.method, route.path);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for schedule in schedules {
        anyhow::ensure!(
            schedule.code_uri == "functions/scheduled-sync",
            "no local scheduler target for CodeUri {}",
            schedule.code_uri
        );
        let period = scheduler::rate_period(&schedule.expression)
            .with_context(|| format!("unsupported schedule {}", schedule.expression))?
            / SCHEDULE_SPEEDUP;
        let period = period.max(Duration::from_secs(10));
        println!(
            "  scheduler  EventBridge event → {} every {}s (template: {})",
            schedule.code_uri,
            period.as_secs(),
            schedule.expression
        );
        tasks.spawn(scheduler::run(app.clone(), period));
    }
    println!(
        "Try: curl -s {public_base}/card/companies   (401: card routes need a HubSpot signature)"
    );
    println!("Ctrl-C stops everything.");

    let server = axum::serve(listener, gateway::router(Gateway { app, routes }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        });
    let result = server.await.context("gateway failed");
    tasks.shutdown().await;
    result
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.into())
}

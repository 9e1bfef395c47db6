//! `make run`: the whole integration on loopback, without AWS, HubSpot or Intuit accounts.

mod gateway;
mod moto;
mod scheduler;

use anyhow::Context;
use gateway::{Function, Gateway};
use std::sync::Arc;
use std::time::Duration;
use test_support::queue::LocalQueue;
use test_support::template::{repo_root, Template};

const TABLE: &str = "hs-qbo-local";
const APP_SECRET: &str = "hs-qbo/local/app";
const TOKEN_PREFIX: &str = "hs-qbo/local/tokens/";
const SYNC_QUEUE: &str = "hs-qbo-local-sync";
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
    println!("stopped: gateway, scheduler, simulators, moto");
    result
}

/// Where HubSpot and Intuit are: the seeded simulators, unless real app credentials are in the environment.
struct Upstreams {
    // Held so the simulators run as long as the stack.
    sims: Option<(qbo_sim::QboSim, hubspot_sim::HubSpotSim)>,
    overrides: Vec<(&'static str, String)>,
}

async fn upstreams() -> anyhow::Result<Upstreams> {
    if std::env::var("HUBSPOT_CLIENT_ID").is_ok() && std::env::var("INTUIT_CLIENT_ID").is_ok() {
        println!(
            "  HubSpot and Intuit: the real services (app credentials found in the environment)"
        );
        return Ok(Upstreams {
            sims: None,
            overrides: Vec::new(),
        });
    }
    let qbo = qbo_sim::QboSim::start(qbo_sim::Seed::demo()).await?;
    let hubspot = hubspot_sim::HubSpotSim::start(hubspot_sim::Seed::demo()).await?;
    let (q, hs) = (qbo.base_url(), hubspot.base_url());
    println!("  QuickBooks Online simulator  {q}   (control API: {q}/_sim/requests, /_sim/faults, /_sim/clock)");
    println!("  HubSpot simulator            {hs}   (portal 62515, USD)");
    let overrides = vec![
        ("HUBSPOT_API_BASE", hs.clone()),
        ("HUBSPOT_AUTH_BASE", hs),
        ("INTUIT_AUTHORIZE_URL", format!("{q}/connect/oauth2")),
        ("INTUIT_TOKEN_URL", format!("{q}/oauth2/v1/tokens/bearer")),
        ("INTUIT_REVOKE_URL", format!("{q}/v2/oauth2/tokens/revoke")),
        ("QBO_API_BASE", q.clone()),
        ("QBO_SANDBOX_API_BASE", q),
    ];
    Ok(Upstreams {
        sims: Some((qbo, hubspot)),
        overrides,
    })
}

async fn serve(template: &Template, moto_endpoint: &str, port: u16) -> anyhow::Result<()> {
    let sdk = test_support::aws_config(moto_endpoint).await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    template
        .create_table(&dynamodb, TABLE)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    println!("HubSpot ⇄ QuickBooks local stack");
    let upstreams = upstreams().await?;
    // The simulators accept their own test credentials; real services need yours.
    let credentials = serde_json::json!({
        "hubspot_client_id": env_or("HUBSPOT_CLIENT_ID", hubspot_sim::CLIENT_ID),
        "hubspot_client_secret": env_or("HUBSPOT_CLIENT_SECRET", hubspot_sim::CLIENT_SECRET),
        "intuit_client_id": env_or("INTUIT_CLIENT_ID", qbo_sim::CLIENT_ID),
        "intuit_client_secret": env_or("INTUIT_CLIENT_SECRET", qbo_sim::CLIENT_SECRET),
        "intuit_webhook_verifier": env_or("INTUIT_WEBHOOK_VERIFIER", "local-intuit-verifier"),
    });
    aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(APP_SECRET)
        .secret_string(credentials.to_string())
        .send()
        .await
        .context("creating the app-credentials secret in moto")?;

    // The sync's job queue and its dead-letter queue, as template.yaml declares them (a failed job comes
    // back after 30 s; the fifth failure goes to the dead-letter queue). The webhook route and the
    // schedule fill it.
    let queue = Arc::new(LocalQueue::create(&sdk, SYNC_QUEUE, 30, 5).await?);
    let public_base = env_or("PUBLIC_BASE_URL", &format!("http://127.0.0.1:{port}"));
    let config = shared::Config::from_lookup(|name| match name {
        "STAGE" => Some("local".into()),
        "SYNC_QUEUE_URL" => Some(queue.url.clone()),
        "TABLE_NAME" => Some(TABLE.into()),
        "APP_SECRET_ID" => Some(APP_SECRET.into()),
        "TOKEN_SECRET_PREFIX" => Some(TOKEN_PREFIX.into()),
        "PUBLIC_BASE_URL" => Some(public_base.clone()),
        other => upstreams
            .overrides
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(other).ok()),
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

    println!("  moto (DynamoDB, Secrets Manager, SQS)  {moto_endpoint}   table {TABLE}, app secret {APP_SECRET}");
    println!("  gateway (routes from template.yaml)  {public_base}");
    for (route, function) in &routes {
        println!("    {:<6} {:<28} → {function:?}", route.method, route.path);
    }
    let mut tasks = tokio::task::JoinSet::new();
    if let Some((qbo, _)) = &upstreams.sims {
        println!(
            "{}",
            webhooks_to_gateway(qbo, port, &app.credentials.intuit_webhook_verifier)?
        );
    }
    let app = Arc::new(app);
    println!(
        "  sqs (moto)  {}   polled like Lambda's event source → functions/scheduled-sync",
        queue.url
    );
    tasks.spawn(scheduler::poll(app.clone(), queue.clone()));
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
        tasks.spawn(scheduler::run(app.clone(), queue.clone(), period));
    }
    println!("{}", try_line(&public_base, upstreams.sims.is_some()));
    println!("Ctrl-C stops everything.");

    let server = axum::serve(
        listener,
        gateway::router(Gateway {
            app: (*app).clone(),
            queue: queue.jobs(),
            routes,
        }),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    let result = server.await.context("gateway failed");
    tasks.shutdown().await;
    result
}

/// Points the QuickBooks simulator's webhooks at the gateway's `/webhooks/quickbooks`, signed with the app's
/// verifier, in the format `QBO_WEBHOOK_FORMAT` names (`cloud_events`, the default, or `legacy`), so a change
/// made in the simulator reaches the HubSpot simulator within seconds. Returns the banner line.
fn webhooks_to_gateway(qbo: &qbo_sim::QboSim, port: u16, verifier: &str) -> anyhow::Result<String> {
    let format = match env_or("QBO_WEBHOOK_FORMAT", "cloud_events").as_str() {
        "cloud_events" => qbo_sim::Format::CloudEvents,
        "legacy" => qbo_sim::Format::Legacy,
        other => anyhow::bail!("QBO_WEBHOOK_FORMAT is {other:?}: use cloud_events or legacy"),
    };
    let url = format!("http://127.0.0.1:{port}/webhooks/quickbooks");
    qbo.send_webhooks_to(qbo_sim::Endpoint {
        url: url.clone(),
        verifier: verifier.to_string(),
        format,
        gather_ms: 50,
    });
    Ok(format!(
        "  webhooks  QuickBooks simulator → POST {url} ({format:?}, signed with the app's verifier; GET {}/_sim/webhooks lists deliveries)",
        qbo.base_url()
    ))
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.into())
}

/// The first thing to try, as the README shows it: the install leg a person starts in a browser.
fn try_line(public_base: &str, simulated: bool) -> String {
    let portal = if simulated {
        "the simulated portal"
    } else {
        "your HubSpot test account"
    };
    format!("Try: open {public_base}/oauth/hubspot/install   (installs into {portal}, then offers Connect QuickBooks)")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_shows_the_try_line_make_run_prints() {
        let readme =
            std::fs::read_to_string(super::repo_root().join("README.md")).expect("README.md");
        let line = super::try_line("http://127.0.0.1:3000", true);
        assert!(
            readme.lines().any(|l| l == line),
            "README.md should show `{line}`"
        );
    }
}

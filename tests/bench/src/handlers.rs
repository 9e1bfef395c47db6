//! Handler latency in-process against moto and the simulators (issues #5, #6): the card-data route on a deal
//! with 10 linked invoices, with fresh snapshots and with stale ones, and a create-invoice workflow
//! execution; with the upstream calls each one makes, counted from the simulators' request logs.

use super::report::{median, percentile};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use test_support::world::{World, PORTAL, US};
use test_support::{json_of, signed_request};

pub struct Figure {
    pub name: &'static str,
    pub samples: Vec<Duration>,
    pub qbo_calls: f64,
    pub hubspot_calls: f64,
}

impl Figure {
    pub fn line(&self) -> String {
        let mut sorted = self.samples.clone();
        sorted.sort();
        format!(
            "{:<44} n={:<4} p50 {:>8.1} ms   p99 {:>8.1} ms   QuickBooks calls {:>5.2}   HubSpot calls {:>5.2}",
            self.name,
            sorted.len(),
            median(&sorted).as_secs_f64() * 1000.0,
            percentile(&sorted, 99).as_secs_f64() * 1000.0,
            self.qbo_calls,
            self.hubspot_calls
        )
    }
}

const RENDERS: usize = 100;
const EXECUTIONS: usize = 40;

fn calls(w: &World) -> (usize, usize) {
    (w.qbo.requests().len(), w.hubspot.requests().len())
}

async fn timed<F, Fut>(
    w: &World,
    name: &'static str,
    n: usize,
    mut one: F,
) -> anyhow::Result<Figure>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let (q0, h0) = calls(w);
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        one(i).await?;
        samples.push(started.elapsed());
    }
    let (q1, h1) = calls(w);
    Ok(Figure {
        name,
        samples,
        qbo_calls: (q1 - q0) as f64 / n as f64,
        hubspot_calls: (h1 - h0) as f64 / n as f64,
    })
}

async fn card(w: &World, method: &str, path: &str, body: &Value) -> anyhow::Result<Value> {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let req = signed_request(
        method,
        &format!(
            "{path}{}portalId={PORTAL}",
            if path.contains('?') { '&' } else { '?' }
        ),
        &body,
    );
    let (status, answer) = json_of(
        invoice_card::handle(&w.app, req)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    anyhow::ensure!(status < 300, "{method} {path}: {status} {answer}");
    Ok(answer)
}

pub async fn measure() -> anyhow::Result<Vec<Figure>> {
    let w = World::new().await;
    // Measure our handlers, not the simulator's throttle: its 10/s per company would dominate.
    w.without_rate_limits().await;
    let mut ids = Vec::new();
    for n in 0..10 {
        let created = w
            .qbo_post(US, "invoice", json!({
                "CustomerRef": { "value": "58" },
                "Line": [{ "DetailType": "SalesItemLineDetail", "Amount": 100 + n,
                           "SalesItemLineDetail": { "ItemRef": { "value": "1" }, "Qty": 1, "UnitPrice": 100 + n } }],
            }))
            .await;
        ids.push(
            created["Invoice"]["Id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let documents: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "type": "invoice", "id": id }))
        .collect();
    let linked = card(
        &w,
        "POST",
        "/card/links",
        &json!({ "realmId": US, "objectType": "deals", "objectId": "401", "documents": documents }),
    )
    .await?;
    anyhow::ensure!(
        linked["documents"].as_array().map_or(0, Vec::len) == 10,
        "10 linked invoices: {linked}"
    );

    let fresh = timed(
        &w,
        "card data, 10 invoices, fresh snapshots",
        RENDERS,
        |_| async {
            card(&w, "GET", "/card/records/deals/401", &Value::Null)
                .await
                .map(|_| ())
        },
    )
    .await?;
    // `refresh=1` takes the path a stale snapshot takes: every snapshot is read again.
    let stale = timed(
        &w,
        "card data, 10 invoices, stale snapshots",
        RENDERS,
        |_| async {
            card(&w, "GET", "/card/records/deals/401?refresh=1", &Value::Null)
                .await
                .map(|_| ())
        },
    )
    .await?;
    let actions = timed(&w, "workflow: create invoice (deal, 2 lines)", EXECUTIONS, |i| {
        let w = &w;
        async move {
            let execution = json!({
                "callbackId": format!("ap-{PORTAL}-bench-{i}"),
                "origin": { "portalId": PORTAL, "actionDefinitionId": 1, "actionDefinitionVersion": 1 },
                "context": { "source": "WORKFLOWS", "workflowId": 1 },
                "object": { "objectId": 401, "objectType": "DEAL", "properties": {} },
                "inputFields": { "realmId": US, "daysUntilDue": "30" },
            });
            let req = signed_request("POST", "/actions/invoice", &execution.to_string());
            let (status, answer) = json_of(workflow_actions::handle(&w.app, req).await.map_err(|e| anyhow::anyhow!("{e}"))?);
            anyhow::ensure!(status == 200 && answer["outputFields"]["hs_execution_state"] == "SUCCESS", "{status} {answer}");
            Ok(())
        }
    })
    .await?;
    Ok(vec![fresh, stale, actions])
}

/// Reps opening deals at once (issue 10, item 6): concurrent `GET /card/draft` in one portal with both
/// simulators' rate limits on, as the real APIs have them.
pub struct Burst {
    pub ok: usize,
    pub n: usize,
    pub p99: Duration,
    pub hubspot_calls: f64,
    pub qbo_calls: f64,
}

impl Burst {
    pub fn line(&self) -> String {
        format!(
            "card draft x{}: ok {}/{} p99 {:.0} ms; hubspot calls/draft {:.1}; quickbooks calls/draft {:.1}",
            self.n,
            self.ok,
            self.n,
            self.p99.as_secs_f64() * 1000.0,
            self.hubspot_calls,
            self.qbo_calls
        )
    }
}

const DRAFTS: usize = 25;
/// What `hubspot.fetch` waits at most (hubspot-api.md §3b); a slower answer is a failure for the rep.
const FETCH_TIMEOUT: Duration = Duration::from_secs(29);

pub async fn draft_burst() -> anyhow::Result<Burst> {
    let w = World::new().await;
    let (q0, h0) = calls(&w);
    let runs = (0..DRAFTS).map(|_| async {
        let started = Instant::now();
        let answer = card(
            &w,
            "GET",
            &format!("/card/draft?realmId={US}&objectType=deals&objectId=401"),
            &Value::Null,
        )
        .await;
        (answer, started.elapsed())
    });
    let results = futures::future::join_all(runs).await;
    let (q1, h1) = calls(&w);
    let mut samples: Vec<Duration> = results.iter().map(|(_, took)| *took).collect();
    samples.sort();
    let ok = results
        .iter()
        .filter(|(answer, took)| answer.is_ok() && *took <= FETCH_TIMEOUT)
        .count();
    for (answer, _) in &results {
        if let Err(e) = answer {
            eprintln!("card draft failed: {e}");
        }
    }
    Ok(Burst {
        ok,
        n: DRAFTS,
        p99: percentile(&samples, 99),
        hubspot_calls: (h1 - h0) as f64 / DRAFTS as f64,
        qbo_calls: (q1 - q0) as f64 / DRAFTS as f64,
    })
}
pub fn explain() -> &'static str {
    "handler latency = in-process handler call (signature check, DynamoDB on moto, simulators on loopback);\n\
     calls = upstream requests per render/execution from the simulators' logs (token reads come from Secrets Manager)"
}

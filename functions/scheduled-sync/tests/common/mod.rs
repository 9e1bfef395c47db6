//! The sync on a test bench: the real handler, moto (DynamoDB, Secrets Manager, SQS) and both simulators,
//! with a poller standing in for Lambda's SQS event source.

#![allow(dead_code)]

use scheduled_sync::handle;
use serde_json::{json, Value};
use shared::App;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;
use test_support::world::World;
use test_support::Harness;

pub async fn queue(h: &Harness) -> LocalQueue {
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(lambda_runtime::tracing::init_default_subscriber);
    let name = format!("sync-{}", uuid::Uuid::new_v4().simple());
    LocalQueue::create(&h.sdk, &name, 1, 3)
        .await
        .expect("queues on moto")
}

pub fn scheduled_event() -> Value {
    json!({
        "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
        "source": "aws.events", "account": "123456789012", "time": "2026-11-22T12:00:00Z",
        "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/sync"], "detail": {}
    })
}

/// One scheduler tick: plans, then delivers jobs until the queue is empty, each invocation given
/// `budget` before its deadline. Returns the invocations made.
pub async fn tick(app: &App, q: &LocalQueue, budget: Duration) -> usize {
    let jobs = q.jobs();
    handle(app, &jobs, scheduled_event(), Instant::now() + budget)
        .await
        .expect("plan");
    drain(app, q, budget).await
}

/// Delivers queued jobs until none is left.
pub async fn drain(app: &App, q: &LocalQueue, budget: Duration) -> usize {
    let jobs = q.jobs();
    for invocations in 0..200 {
        let delivered = q
            .poll_once(5, 0, |event| async {
                // Boxed: a run's future is large for a debug build's stack beside a test's own.
                let answer = Box::pin(handle(app, &jobs, event, Instant::now() + budget)).await?;
                Ok(serde_json::to_value(answer)?)
            })
            .await
            .expect("poll");
        if delivered == 0 {
            return invocations;
        }
    }
    panic!("the queue never emptied");
}

/// The webhook route (the oauth-callback function's handler) on loopback, where the QuickBooks simulator
/// delivers its notifications, signed with the test app's verifier, in `format`.
pub async fn webhooks_to_route(
    app: &App,
    qbo: &qbo_sim::QboSim,
    format: qbo_sim::Format,
) -> test_support::serve::Served {
    let (listener, url) = test_support::serve::bind().await;
    let route = app.clone();
    let served = test_support::serve::serve(listener, url, move |req| {
        let app = route.clone();
        async move {
            oauth_callback::handle(&app, req)
                .await
                .expect("the route answers")
        }
    });
    qbo.send_webhooks_to(qbo_sim::Endpoint {
        url: format!("{}{}", served.url, test_support::WEBHOOK_PATH),
        verifier: test_support::INTUIT_VERIFIER.into(),
        format,
        gather_ms: 50,
    });
    served
}

/// Waits until the simulator has no notification left to deliver.
pub async fn webhooks_delivered(qbo: &qbo_sim::QboSim) {
    for _ in 0..500 {
        if qbo.webhooks_undelivered() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("webhooks not delivered: {:#?}", qbo.webhook_attempts());
}

/// The live records of a HubSpot object with a property set, by that property's value.
pub fn hubspot_by(
    w: &World,
    object: &str,
    property: &str,
) -> BTreeMap<String, BTreeMap<String, String>> {
    w.hubspot.with_state(|s| {
        s.objects
            .get(object)
            .into_iter()
            .flat_map(|records| records.values())
            .filter(|r| r.archived_at.is_none())
            .filter_map(|r| Some((r.properties.get(property)?.clone(), r.properties.clone())))
            .collect()
    })
}

/// A QuickBooks company's records of one entity, as the simulator holds them.
pub fn qbo_records(w: &World, realm: &str, entity: &str) -> Vec<Value> {
    w.qbo.with_state(|s| {
        s.companies[realm]
            .seed
            .entities
            .get(entity)
            .cloned()
            .unwrap_or_default()
    })
}

/// The first record of `entity` matching `pick`, as QuickBooks holds it.
pub fn qbo_pick(w: &World, realm: &str, entity: &str, pick: impl Fn(&Value) -> bool) -> Value {
    qbo_records(w, realm, entity)
        .into_iter()
        .find(|r| pick(r))
        .unwrap_or_else(|| panic!("no {entity} to pick"))
}

pub fn ids(r: &Value) -> Value {
    serde_json::json!({"Id": r["Id"], "SyncToken": r["SyncToken"], "sparse": true})
}

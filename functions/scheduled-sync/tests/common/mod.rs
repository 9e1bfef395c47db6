//! The sync on a test bench: the real handler, moto (DynamoDB, Secrets Manager, SQS) and both simulators,
//! with a poller standing in for Lambda's SQS event source.

#![allow(dead_code)]

use scheduled_sync::handle;
use serde_json::Value;
use shared::App;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;
use test_support::world::World;
use test_support::Harness;

/// Time enough for any run in these tests: one invocation finishes a company.
pub const BUDGET: Duration = Duration::from_secs(600);

pub async fn queue(h: &Harness) -> LocalQueue {
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(lambda_runtime::tracing::init_default_subscriber);
    let name = format!("sync-{}", uuid::Uuid::new_v4().simple());
    LocalQueue::create(&h.sdk, &name, 1, 3)
        .await
        .expect("queues on moto")
}

pub fn scheduled_event() -> Value {
    test_support::queue::scheduled_event("53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa")
}

/// One scheduler tick: plans, then delivers jobs until the queue is empty, each invocation given
/// `budget` before its deadline. Returns the invocations made.
pub async fn tick(app: &App, q: &LocalQueue, budget: Duration) -> usize {
    let jobs = q.jobs();
    Box::pin(handle(
        app,
        &jobs,
        scheduled_event(),
        Instant::now() + budget,
    ))
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
                // Boxed: the handler's future is large in a debug build, and a test thread's stack is 2 MiB.
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

/// Everything the sync wrote to HubSpot, by object and key, without what HubSpot stamps itself (ids, dates).
pub fn synced_state(w: &World) -> BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>> {
    let keyed = [
        ("contacts", "qbo_customer_key"),
        ("products", "qbo_item_key"),
        ("invoices", "qbo_invoice_key"),
        ("line_items", "qbo_line_key"),
    ];
    keyed
        .into_iter()
        .map(|(object, key)| {
            let records = hubspot_by(w, object, key)
                .into_iter()
                .map(|(k, mut props)| {
                    props.retain(|name, _| {
                        !(name.contains("date")
                            || name.starts_with("hs_object")
                            || name.starts_with("hs_created")
                            || name.starts_with("hs_last")
                            || name.starts_with("hs_updated"))
                    });
                    (k, props)
                })
                .collect();
            (object.to_string(), records)
        })
        .collect()
}

/// An invoice with money still owed.
pub fn open_invoice(i: &Value) -> bool {
    i["Balance"].as_f64().is_some_and(|b| b > 0.0)
}

/// An invoice's sales lines, as QuickBooks holds them.
pub fn sales_lines(invoice: &Value) -> Vec<Value> {
    invoice["Line"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["DetailType"] == "SalesItemLineDetail")
        .cloned()
        .collect()
}

/// What the card does when a rep links a QuickBooks `invoice` of `realm` to HubSpot deal `deal`.
pub async fn link_to_deal(w: &World, realm: &str, invoice: &Value, deal: &str) {
    use shared::documents::links::Link;
    use shared::ids::{Record, RecordType};
    let doc: shared::quickbooks::entities::Document =
        serde_json::from_value(invoice.clone()).unwrap();
    let now = chrono::Utc::now();
    let snapshot = shared::domain::snapshot::Snapshot::of(
        &realm.parse().unwrap(),
        shared::quickbooks::entities::DocType::Invoice,
        &doc,
        "USD",
        now.fixed_offset(),
        now,
    );
    Link {
        portal_id: test_support::world::PORTAL,
        record: Record::new(RecordType::Deals, deal).unwrap(),
        snapshot,
        linked_at: now,
    }
    .save(&w.app.store)
    .await
    .unwrap();
}

/// The HubSpot ids a synced invoice (by its key) is associated with, of object `to`.
pub fn invoice_associations(w: &World, invoice_key: &str, to: &str) -> Vec<u64> {
    w.hubspot.with_state(|s| {
        let id = s.objects["invoices"]
            .values()
            .find(|r| r.properties.get("qbo_invoice_key").map(String::as_str) == Some(invoice_key))
            .map(|r| r.id)
            .expect("the invoice in HubSpot");
        s.associations_of("invoices", id, to)
            .iter()
            .filter(|a| s.live(to, a.to_id).is_some())
            .map(|a| a.to_id)
            .collect()
    })
}

/// Saves a company's sync settings, as the settings page does.
pub async fn save_settings(
    w: &World,
    realm: &str,
    settings: &shared::sync::settings::SyncSettings,
) {
    let key = shared::store::keys::sync_settings(
        test_support::world::PORTAL.into(),
        &realm.parse().unwrap(),
    );
    w.app
        .store
        .save(&key, settings, chrono::Utc::now().timestamp())
        .await
        .unwrap();
}

/// The records of a company the sync keeps as failed, with their reasons.
pub async fn failures(w: &World, realm: &str) -> Vec<shared::sync::failures::Failure> {
    let realm = realm.parse().unwrap();
    let failures = shared::sync::failures::Failures {
        store: &w.app.store,
        portal_id: test_support::world::PORTAL,
        realm_id: &realm,
    };
    failures.list().await.unwrap()
}

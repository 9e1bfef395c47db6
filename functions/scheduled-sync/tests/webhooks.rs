//! Webhooks end to end: the QuickBooks simulator notifies the real webhook route (oauth-callback's handler
//! on loopback), which queues jobs on moto's SQS; the real sync handler works them against both simulators.

mod common;

use common::{hubspot_by, ids, qbo_pick};
use qbo_sim::Format;
use serde_json::{json, Value};
use shared::sync::worker::{self, Delivery};
use shared::sync::Job;
use std::time::{Duration, Instant};
use test_support::world::{World, PORTAL, US};

const BUDGET: Duration = Duration::from_secs(600);

/// A world synced once, its sync queue wired to the app.
async fn synced() -> (World, test_support::queue::LocalQueue) {
    let mut w = World::new().await;
    w.without_rate_limits().await;
    let q = w.with_sync_queue().await;
    common::tick(&w.app, &q, BUDGET).await;
    (w, q)
}

/// The QuickBooks calls made since `from`, as `METHOD path`.
fn qbo_calls_since(w: &World, from: usize) -> Vec<String> {
    w.qbo.requests()[from..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn contact_by_email(w: &World, email: &str) -> std::collections::BTreeMap<String, String> {
    hubspot_by(w, "contacts", "email")
        .remove(email)
        .unwrap_or_else(|| panic!("no contact {email}"))
}

async fn create_update_delete_merge_void_and_email_reach_hubspot(format: Format) {
    let (w, q) = synced().await;
    let _route = common::webhooks_to_route(&w.app, &w.qbo, format).await;

    w.qbo_post(
        US,
        "customer",
        json!({"DisplayName": "Hook Ltd", "PrimaryEmailAddr": {"Address": "hook@example.com"}}),
    )
    .await;
    let item = qbo_pick(&w, US, "Item", |i| i["Active"] != false);
    let mut reprice = ids(&item);
    reprice["UnitPrice"] = json!(987.5);
    w.qbo_post(US, "item", reprice).await;
    let invoice = |id: &str| qbo_pick(&w, US, "Invoice", |i| i["Id"] == id);
    let (voided, deleted) = (invoice("131"), invoice("134"));
    let version = |r: &Value| json!({"Id": r["Id"], "SyncToken": r["SyncToken"]});
    w.qbo_post(US, "invoice?operation=void", version(&voided))
        .await;
    w.qbo_post(US, "invoice?operation=delete", version(&deleted))
        .await;
    w.qbo_post(US, "invoice/130/send", json!({})).await;
    // "Acme Ltd." (59) merged into "Acme Ltd" (58) in QuickBooks' screens; its invoice 133 moves to 58.
    let merge = json!({"realm_id": US, "from": "59", "into": "58"});
    w.control(&w.qbo.base_url(), "/_sim/merge", merge).await;

    common::webhooks_delivered(&w.qbo).await;
    let attempts = w.qbo.webhook_attempts();
    assert!(
        attempts.iter().all(|a| a.status == Some(200)),
        "{attempts:#?}"
    );
    let before = w.qbo.requests().len();
    let invocations = common::drain(&w.app, &q, BUDGET).await;
    assert!(invocations >= 1);
    // Woken jobs read changes since the cursor and nothing else: no scan, no read by id.
    let calls = qbo_calls_since(&w, before);
    assert!(!calls.is_empty());
    assert!(
        calls
            .iter()
            .all(|c| c == &format!("GET /v3/company/{US}/cdc")),
        "{calls:#?}"
    );

    let key = |id: &str| format!("{US}:{id}");
    assert_eq!(
        contact_by_email(&w, "hook@example.com")["qbo_active"],
        "true"
    );
    assert_eq!(
        hubspot_by(&w, "products", "qbo_item_key")[&key(item["Id"].as_str().unwrap())]["price"],
        "987.5"
    );
    let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
    assert_eq!(invoices[&key("131")]["qbo_invoice_status"], "Voided");
    assert_eq!(invoices[&key("134")]["qbo_invoice_status"], "Deleted");
    assert_eq!(
        invoices[&key("130")]["qbo_invoice_status"],
        "Sent to customer"
    );
    assert_eq!(
        contact_by_email(&w, "ap@acme-ltd.example")["qbo_active"],
        "false"
    );
    assert_eq!(
        contact_by_email(&w, "billing@acme.example")["qbo_active"],
        "true"
    );
}

#[tokio::test]
async fn legacy_notifications_bring_creates_updates_deletes_merges_voids_and_e_mails() {
    create_update_delete_merge_void_and_email_reach_hubspot(Format::Legacy).await;
}

#[tokio::test]
async fn cloud_events_bring_creates_updates_deletes_merges_voids_and_e_mails() {
    create_update_delete_merge_void_and_email_reach_hubspot(Format::CloudEvents).await;
}

#[tokio::test]
async fn a_webhook_storm_during_a_scheduled_run_neither_repeats_work_nor_loses_a_change() {
    let (w, q) = synced().await;
    let _route = common::webhooks_to_route(&w.app, &w.qbo, Format::CloudEvents).await;
    let globex = qbo_pick(&w, US, "Customer", |c| c["Id"] == "60");
    let mut rename = ids(&globex);
    rename["GivenName"] = "Before the run".into();
    w.qbo_post(US, "customer", rename).await;
    common::webhooks_delivered(&w.qbo).await;

    // The scheduled run for the company, held up in HubSpot so the storm comes while it has the lease.
    let slow = json!({"path_contains": "/crm/v3/objects/contacts/batch", "kind": {"type": "slow"}, "delay_ms": 2500, "count": 1});
    w.control(&w.hubspot.base_url(), "/_sim/faults", slow).await;
    let cdc_before = w.qbo.count("GET", "/cdc");
    let scheduled = {
        let (app, queue) = (w.app.clone(), q.jobs());
        let job = Job {
            portal_id: PORTAL,
            realm_id: US.parse().unwrap(),
            objects: None,
            changed_at: None,
        };
        let delivery = Delivery {
            message_id: "scheduled".into(),
            body: serde_json::to_string(&job).unwrap(),
        };
        // Boxed: the run's future is too large for a debug build's stack.
        tokio::spawn(async move {
            Box::pin(worker::work(
                &app,
                &queue,
                vec![delivery],
                Instant::now() + BUDGET,
            ))
            .await
        })
    };
    let started = Instant::now();
    while w.qbo.count("GET", "/cdc") == cdc_before {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the run never read"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // The storm: twenty renames of one customer, each notified, while the run writes.
    let mut acme = qbo_pick(&w, US, "Customer", |c| c["Id"] == "58");
    for n in 1..=20 {
        let mut rename = ids(&acme);
        rename["GivenName"] = format!("Storm {n}").into();
        acme = w.qbo_post(US, "customer", rename).await["Customer"].clone();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    common::webhooks_delivered(&w.qbo).await;
    let notifications = w.qbo.webhook_attempts().len();
    // Woken while the run holds the portal's lease: each job goes back on the queue for a few seconds.
    common::drain(&w.app, &q, BUDGET).await;
    assert_eq!(scheduled.await.unwrap(), Vec::<String>::new());
    assert_eq!(
        contact_by_email(&w, "hank@globex.example")["firstname"],
        "Before the run"
    );

    let before = w.qbo.requests().len();
    let hubspot_before = w.hubspot.requests().len();
    tokio::time::sleep(Duration::from_secs(
        worker::WOKEN_BUSY_DELAY_SECS as u64 + 1,
    ))
    .await;
    let invocations = common::drain(&w.app, &q, BUDGET).await;
    assert!(invocations >= 1);
    // However many notifications came, one CDC call brings the storm's last state; every other job finds
    // its change applied and makes no call.
    assert!(notifications >= 2, "{notifications} notifications");
    assert_eq!(
        qbo_calls_since(&w, before),
        [format!("GET /v3/company/{US}/cdc")]
    );
    let contact_writes = w.hubspot.requests()[hubspot_before..]
        .iter()
        .filter(|r| r.path.contains("/crm/v3/objects/contacts/batch"))
        .count();
    assert!(contact_writes <= 2, "{contact_writes} contact batch calls");
    assert_eq!(
        contact_by_email(&w, "billing@acme.example")["firstname"],
        "Storm 20"
    );
}

#[tokio::test]
async fn a_change_whose_webhook_never_arrives_is_caught_by_the_schedule() {
    let (w, q) = synced().await;
    // Intuit cannot reach the endpoint: every attempt fails, nothing is queued.
    let (listener, url) = test_support::serve::bind().await;
    drop(listener);
    w.qbo.send_webhooks_to(qbo_sim::Endpoint {
        url: format!("{url}{}", test_support::WEBHOOK_PATH),
        verifier: test_support::INTUIT_VERIFIER.into(),
        format: Format::Legacy,
        gather_ms: 10,
    });
    let globex = qbo_pick(&w, US, "Customer", |c| c["Id"] == "60");
    let mut rename = ids(&globex);
    rename["GivenName"] = "Missed".into();
    w.qbo_post(US, "customer", rename).await;
    let started = Instant::now();
    while w.qbo.webhook_attempts().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(w.qbo.webhook_attempts()[0].status, None);
    assert_eq!(common::drain(&w.app, &q, BUDGET).await, 0);
    assert_ne!(
        contact_by_email(&w, "hank@globex.example")["firstname"],
        "Missed"
    );

    common::tick(&w.app, &q, BUDGET).await;
    assert_eq!(
        contact_by_email(&w, "hank@globex.example")["firstname"],
        "Missed"
    );
}

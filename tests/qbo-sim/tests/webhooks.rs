//! Webhooks (README "Webhooks"): signed, batched notifications in both formats, delivered in order and
//! retried on Intuit's schedule on the simulated clock.

mod common;

use axum::http::{HeaderMap, StatusCode};
use common::{Company, US};
use qbo_sim::{sign_webhook, Endpoint, Format};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// An endpoint on loopback that records (signature, body) and answers the given statuses, then 200.
struct Receiver {
    url: String,
    received: Received,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receiver(answers: &[u16]) -> Receiver {
    let received: Received = Arc::default();
    let answers = Arc::new(Mutex::new(
        answers.iter().copied().collect::<VecDeque<u16>>(),
    ));
    let log = received.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
        let (log, answers) = (log.clone(), answers.clone());
        async move {
            let signature = headers
                .get("intuit-signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            log.lock()
                .unwrap()
                .push((signature, serde_json::from_str(&body).unwrap()));
            let status = answers.lock().unwrap().pop_front().unwrap_or(200);
            StatusCode::from_u16(status).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver {
        url,
        received,
        task,
    }
}

impl Receiver {
    fn bodies(&self) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.clone())
            .collect()
    }

    async fn wait_for(&self, n: usize) {
        let started = Instant::now();
        while self.received.lock().unwrap().len() < n {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{} of {n} notifications",
                self.received.lock().unwrap().len()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

fn endpoint(url: &str, format: Format, gather_ms: u64) -> Endpoint {
    Endpoint {
        url: url.into(),
        verifier: "verifier-of-the-app".into(),
        format,
        gather_ms,
    }
}

async fn rename(us: &Company, id: &str, name: &str) {
    let customer = us.stored("Customer", id);
    let body =
        json!({"Id": id, "SyncToken": customer["SyncToken"], "sparse": true, "GivenName": name});
    let (status, answer) = us.post("customer", body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn notifications_are_signed_and_carry_at_most_a_hundred_events() {
    let us = Company::unthrottled(US).await;
    let hooks = receiver(&[]).await;
    us.sim
        .send_webhooks_to(endpoint(&hooks.url, Format::Legacy, 3000));
    for n in 0..150 {
        rename(&us, "60", &format!("Hank {n}")).await;
    }
    hooks.wait_for(2).await;
    let received = hooks.received.lock().unwrap().clone();
    let mut sizes = Vec::new();
    for (signature, body) in &received {
        assert_eq!(
            signature,
            &sign_webhook("verifier-of-the-app", body.to_string().as_bytes())
        );
        let notification = &body["eventNotifications"][0];
        assert_eq!(notification["realmId"], US);
        let entities = notification["dataChangeEvent"]["entities"]
            .as_array()
            .unwrap();
        assert!(entities
            .iter()
            .all(|e| e["name"] == "Customer" && e["id"] == "60" && e["operation"] == "Update"));
        sizes.push(entities.len());
    }
    assert_eq!(sizes, [100, 50]);
}

#[tokio::test]
async fn cloud_events_name_each_operation() {
    let us = Company::unthrottled(US).await;
    let hooks = receiver(&[]).await;
    us.control(
        "webhooks",
        json!({"url": hooks.url, "verifier": "v", "format": "cloud_events", "gather_ms": 300}),
    )
    .await;
    rename(&us, "60", "Hank").await;
    let invoice = us.stored("Invoice", "134");
    let version = json!({"Id": "134", "SyncToken": invoice["SyncToken"]});
    us.post("invoice?operation=void", version).await;
    us.post("invoice/130/send", json!({})).await;
    us.control("merge", json!({"realm_id": US, "from": "59", "into": "58"}))
        .await;
    hooks.wait_for(1).await;
    let events = hooks.bodies()[0].as_array().unwrap().clone();
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["intuitentityid"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("qbo.customer.updated.v1", "60"),
            ("qbo.invoice.voided.v1", "134"),
            ("qbo.invoice.emailed.v1", "130"),
            ("qbo.customer.merged.v1", "58"),
        ]
    );
    assert!(events
        .iter()
        .all(|e| e["specversion"] == "1.0" && e["intuitaccountid"] == US));
    assert_eq!(events[3]["data"], json!({"deletedid": "59"}));
    // The merge as QuickBooks leaves it: the customer merged away is inactive, its invoice moved.
    assert_eq!(us.stored("Customer", "59")["Active"], false);
    assert_eq!(us.stored("Invoice", "133")["CustomerRef"]["value"], "58");
}

#[tokio::test]
async fn a_refused_notification_is_retried_on_intuit_s_schedule_and_holds_later_ones_back() {
    let us = Company::unthrottled(US).await;
    let hooks = receiver(&[500, 500, 503]).await;
    us.sim
        .send_webhooks_to(endpoint(&hooks.url, Format::Legacy, 10));
    rename(&us, "60", "First").await;
    // Refused, then retried at once (0 s), refused again: the next try waits 10 s of simulated time.
    hooks.wait_for(2).await;
    rename(&us, "58", "Second").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hooks.bodies().len(), 2, "nothing before the 10 s are up");
    let advance = |secs: i64| us.control("clock", json!({"advance_seconds": secs}));
    advance(10).await;
    hooks.wait_for(3).await;
    // 503: the next try waits 20 s.
    advance(19).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hooks.bodies().len(), 3);
    advance(1).await;
    hooks.wait_for(5).await;
    let bodies = hooks.bodies();
    let first = &bodies[0];
    assert!(
        bodies[..4].iter().all(|b| b == first),
        "the same notification until it is taken"
    );
    let id = |b: &Value| b["eventNotifications"][0]["dataChangeEvent"]["entities"][0]["id"].clone();
    assert_eq!((id(first), id(&bodies[4])), (json!("60"), json!("58")));
    let statuses: Vec<Option<u16>> = us.sim.webhook_attempts().iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [Some(500), Some(500), Some(503), Some(200), Some(200)]
    );
    assert_eq!(us.sim.webhooks_undelivered(), 0);
}

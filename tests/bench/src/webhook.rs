//! Near real time (issue 14): a change written in QuickBooks until HubSpot holds it, over 50 changes, and
//! the webhook route's own answer time. The pieces are the local stack's: the QuickBooks simulator sends
//! signed CloudEvents notifications to the real route (oauth-callback's handler behind an HTTP listener on
//! loopback), which queues jobs on moto's SQS; a poller delivers them to the real sync handler as Lambda's
//! event source does, and the sync writes to the HubSpot simulator.

use super::report::{median, percentile};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use test_support::queue::LocalQueue;
use test_support::world::{World, US};

const CHANGES: usize = 50;
/// The customer renamed (Globex, demo company): its contact is found by e-mail.
const CUSTOMER: &str = "60";
const EMAIL: &str = "hank@globex.example";
/// A change not in HubSpot by then counts as lost: the bench fails rather than wait for the schedule.
const GIVE_UP: Duration = Duration::from_secs(60);

pub struct Figures {
    changes: Vec<Duration>,
    route: Vec<Duration>,
}

impl Figures {
    pub fn line(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut changes = self.changes.clone();
        changes.sort();
        let mut route = self.route.clone();
        route.sort();
        format!(
            "webhook: p50 {:.0} ms p99 {:.0} ms; route p99 {:.1} ms",
            ms(median(&changes)),
            ms(percentile(&changes, 99)),
            ms(percentile(&route, 99))
        )
    }
}

/// Lambda's SQS event source for the sync queue, as `make run` polls it (batches of 5, long polling).
async fn poll_forever(app: shared::App, queue: Arc<LocalQueue>) {
    let jobs = queue.jobs();
    loop {
        let polled = queue
            .poll_once(5, 1, |event| async {
                let deadline = Instant::now() + Duration::from_secs(900);
                let answer = scheduled_sync::handle(&app, &jobs, event, deadline).await?;
                Ok(serde_json::to_value(answer)?)
            })
            .await;
        if let Err(e) = polled {
            eprintln!("bench: polling the sync queue failed: {e}");
        }
    }
}

fn contact_name(w: &World) -> Option<String> {
    w.hubspot.with_state(|s| {
        s.objects.get("contacts")?.values().find_map(|r| {
            let email = r.properties.get("email")?;
            email
                .eq_ignore_ascii_case(EMAIL)
                .then(|| r.properties.get("firstname").cloned())
                .flatten()
        })
    })
}

pub async fn measure() -> anyhow::Result<Figures> {
    let mut w = World::new().await;
    w.without_rate_limits().await;
    let queue = Arc::new(w.with_sync_queue().await);
    // The first sync, as the schedule runs it.
    let jobs = queue.jobs();
    let far = Instant::now() + Duration::from_secs(900);
    scheduled_sync::handle(&w.app, &jobs, json!({"source": "aws.events"}), far).await?;
    while queue
        .poll_once(5, 0, |event| async {
            let answer = scheduled_sync::handle(&w.app, &jobs, event, far).await?;
            Ok(serde_json::to_value(answer)?)
        })
        .await?
        > 0
    {}

    let route_times: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (listener, url) = test_support::serve::bind().await;
    let (app, times) = (w.app.clone(), route_times.clone());
    let _route = test_support::serve::serve(listener, url.clone(), move |req| {
        let (app, times) = (app.clone(), times.clone());
        async move {
            let started = Instant::now();
            let answer = oauth_callback::handle(&app, req).await;
            times.lock().expect("times").push(started.elapsed());
            answer.unwrap_or_else(|e| {
                lambda_http::Response::builder()
                    .status(500)
                    .body(lambda_http::Body::from(e.to_string()))
                    .expect("a response")
            })
        }
    });
    w.qbo.send_webhooks_to(qbo_sim::Endpoint {
        url: format!("{url}{}", test_support::WEBHOOK_PATH),
        verifier: test_support::INTUIT_VERIFIER.into(),
        format: qbo_sim::Format::CloudEvents,
        gather_ms: 50,
    });
    let poller = tokio::spawn(poll_forever(w.app.clone(), queue.clone()));

    let mut changes = Vec::with_capacity(CHANGES);
    for n in 0..CHANGES {
        let customer = w.qbo_entities(US, "Customer");
        let current: &Value = customer
            .iter()
            .find(|c| c["Id"] == CUSTOMER)
            .ok_or_else(|| anyhow::anyhow!("no customer {CUSTOMER}"))?;
        let name = format!("Bench {n}");
        let rename = json!({"Id": CUSTOMER, "SyncToken": current["SyncToken"], "sparse": true, "GivenName": name});
        let started = Instant::now();
        w.qbo_post(US, "customer", rename).await;
        while contact_name(&w).as_deref() != Some(name.as_str()) {
            if started.elapsed() > GIVE_UP {
                poller.abort();
                anyhow::bail!("change {n} did not reach HubSpot within {GIVE_UP:?}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        changes.push(started.elapsed());
    }
    poller.abort();
    let route = route_times.lock().expect("times").clone();
    anyhow::ensure!(!route.is_empty(), "the route was never called");
    Ok(Figures { changes, route })
}

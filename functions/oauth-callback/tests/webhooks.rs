//! Intuit's webhook route through the real handler, moto's DynamoDB and SQS, and real signatures: what is
//! refused enqueues nothing, and what is accepted becomes one sync job per connected company.

use oauth_callback::handle;
use serde_json::{json, Value};
use shared::connections::Status;
use shared::sync::{Job, SyncObject};
use test_support::queue::LocalQueue;
use test_support::{
    json_of, seed_portal, signed_webhook, webhook_request, Harness, INTUIT_VERIFIER, WEBHOOK_PATH,
};

const REALM: &str = "9130357766900011";

struct Bench {
    app: shared::App,
    queue: LocalQueue,
}

async fn bench() -> Bench {
    let h = Harness::new().await;
    let name = format!("hooks-{}", uuid::Uuid::new_v4().simple());
    let queue = LocalQueue::create(&h.sdk, &name, 1, 3).await.unwrap();
    let app = h.app(&[("SYNC_QUEUE_URL", &queue.url)]).await;
    seed_portal(
        &h.store,
        62515,
        &[
            (REALM, "US", Status::Active),
            ("77", "Gone", Status::Disconnected),
        ],
    )
    .await;
    seed_portal(&h.store, 1000, &[(REALM, "US", Status::Active)]).await;
    Bench { app, queue }
}

impl Bench {
    async fn post(&self, req: lambda_http::Request) -> (u16, Value) {
        json_of(handle(&self.app, req).await.unwrap())
    }

    /// Every job queued, taken off the queue.
    async fn jobs(&self) -> Vec<Job> {
        let mut jobs = Vec::new();
        while self
            .queue
            .poll_once(10, 0, |event| {
                for r in event["Records"].as_array().unwrap() {
                    jobs.push(serde_json::from_str::<Job>(r["body"].as_str().unwrap()).unwrap());
                }
                async { Ok(json!({"batchItemFailures": []})) }
            })
            .await
            .unwrap()
            > 0
        {}
        jobs.sort_by_key(|j| (j.portal_id, j.realm_id.clone()));
        jobs
    }
}

fn legacy(realm: &str, entities: &[(&str, &str, &str)]) -> Vec<u8> {
    let entities: Vec<Value> = entities
        .iter()
        .map(|(name, id, operation)| {
            json!({"name": name, "id": id, "operation": operation, "lastUpdated": "2026-11-22T17:00:00.123Z"})
        })
        .collect();
    json!({"eventNotifications": [{"realmId": realm, "dataChangeEvent": {"entities": entities}}]})
        .to_string()
        .into_bytes()
}

fn cloud_event(realm: &str, kind: &str, id: &str, time: &str) -> Value {
    json!({"specversion": "1.0", "id": uuid::Uuid::new_v4().to_string(), "source": "intuit.test",
           "type": kind, "datacontenttype": "application/json", "time": time,
           "intuitentityid": id, "intuitaccountid": realm})
}

#[tokio::test]
async fn forged_unsigned_stale_truncated_malformed_and_oversized_bodies_are_refused_and_queue_nothing(
) {
    let b = bench().await;
    let body = legacy(REALM, &[("Invoice", "130", "Update")]);
    let signature = qbo_sim::sign_webhook(INTUIT_VERIFIER, &body);
    let forged = qbo_sim::sign_webhook("another-app", &body);
    let stale = json!([{"specversion": "0.3", "id": "1", "source": "s", "type": "qbo.invoice.updated.v1",
                        "time": "2026-11-22T17:00:00Z", "intuitentityid": "130", "intuitaccountid": REALM}])
    .to_string();
    let oversized = {
        let mut big = legacy(REALM, &[("Invoice", "130", "Update")]);
        big.pop();
        big.extend_from_slice(format!(",\"pad\":\"{}\"}}", "x".repeat(1024 * 1024)).as_bytes());
        big
    };
    let refused: Vec<(&str, lambda_http::Request, u16)> = vec![
        ("forged", webhook_request(&body, Some(&forged)), 401),
        ("unsigned", webhook_request(&body, None), 401),
        (
            "garbage signature",
            webhook_request(&body, Some("not base64")),
            401,
        ),
        // Cut in transit after Intuit signed it.
        (
            "truncated",
            webhook_request(&body[..body.len() / 2], Some(&signature)),
            401,
        ),
        // Signed, but cut before signing: not JSON.
        (
            "signed truncation",
            signed_webhook(&body[..body.len() / 2]),
            400,
        ),
        (
            "stale CloudEvents version",
            signed_webhook(stale.as_bytes()),
            400,
        ),
        (
            "a JSON that is no notification",
            signed_webhook(b"{\"hello\":1}"),
            400,
        ),
        ("no events", signed_webhook(b"[]"), 400),
        ("oversized", signed_webhook(&oversized), 413),
    ];
    for (what, req, want) in refused {
        let (status, answer) = b.post(req).await;
        assert_eq!(status, want, "{what}: {answer}");
        assert!(answer["error"]["code"].is_string(), "{what}: {answer}");
    }
    assert_eq!(b.jobs().await, []);
    // The route takes only POST.
    let get = lambda_http::http::Request::builder()
        .method("GET")
        .uri(WEBHOOK_PATH)
        .body(lambda_http::Body::Empty)
        .unwrap();
    assert_eq!(handle(&b.app, get).await.unwrap().status(), 405);
}

#[tokio::test]
async fn a_hundred_events_of_one_company_queue_one_job_per_connected_account_in_both_formats() {
    let b = bench().await;
    let times: Vec<String> = (0..100)
        .map(|i| format!("2026-11-22T17:{:02}:{:02}.5Z", i / 60, i % 60))
        .collect();
    let mut events: Vec<Value> = (0..98)
        .map(|i| {
            cloud_event(
                REALM,
                "qbo.invoice.updated.v1",
                &(200 + i).to_string(),
                &times[i],
            )
        })
        .collect();
    events.push(cloud_event(
        REALM,
        "qbo.customer.created.v1",
        "58",
        &times[98],
    ));
    events.push(cloud_event(REALM, "qbo.vendor.created.v1", "3", &times[99]));
    let (status, answer) = b
        .post(signed_webhook(Value::Array(events).to_string().as_bytes()))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"queued": 2, "unknownCompanies": 0, "ignoredEvents": 1})
    );
    let jobs = b.jobs().await;
    let portals: Vec<u64> = jobs.iter().map(|j| j.portal_id).collect();
    assert_eq!(portals, [1000, 62515]);
    for job in &jobs {
        assert_eq!(job.realm_id.as_str(), REALM);
        assert_eq!(
            job.objects.as_deref(),
            Some(&[SyncObject::Contacts, SyncObject::Invoices][..])
        );
        // The latest change the sync acts on (the vendor is not the sync's).
        assert_eq!(
            job.changed_at.unwrap().to_rfc3339(),
            "2026-11-22T17:01:38.500+00:00"
        );
    }

    let body = legacy(
        REALM,
        &[
            ("Item", "5", "Update"),
            ("Payment", "140", "Create"),
            ("Invoice", "130", "Emailed"),
        ],
    );
    let (status, answer) = b.post(signed_webhook(&body)).await;
    assert_eq!(
        (status, answer["queued"].as_u64()),
        (200, Some(2)),
        "{answer}"
    );
    assert_eq!(
        b.jobs().await[0].objects.as_deref(),
        Some(&[SyncObject::Products, SyncObject::Invoices][..])
    );
}

#[tokio::test]
async fn events_of_unknown_or_disconnected_companies_are_counted_and_dropped() {
    let b = bench().await;
    let events = json!([
        cloud_event("555", "qbo.invoice.created.v1", "1", "2026-11-22T17:00:00Z"),
        cloud_event("77", "qbo.customer.merged.v1", "1", "2026-11-22T17:00:00Z"),
    ]);
    let mut events = events;
    events[1]["data"] = json!({"deletedid": "2"});
    let (status, answer) = b.post(signed_webhook(events.to_string().as_bytes())).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"queued": 0, "unknownCompanies": 2, "ignoredEvents": 0})
    );
    assert_eq!(b.jobs().await, []);
}

//! The sync API on a test bench: the real handler with a queue on moto, both simulators behind the app.

#![allow(dead_code)]

use oauth_callback::handle_with;
use serde_json::Value;
use shared::sync::SqsQueue;
use test_support::queue::LocalQueue;
use test_support::world::{World, PORTAL};
use test_support::{json_of, signed_request};

pub async fn queue(w: &World) -> LocalQueue {
    let name = format!("sync-api-{}", uuid::Uuid::new_v4().simple());
    LocalQueue::create(&w.h.sdk, &name, 1, 3)
        .await
        .expect("queues on moto")
}

/// A signed call of the sync API as the settings page makes it (`portalId` appended by HubSpot).
pub async fn call(
    w: &World,
    queue: Option<&SqsQueue>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let uri = format!("{path}{sep}portalId={PORTAL}");
    let body = body.map(Value::to_string).unwrap_or_default();
    let queue = queue.map(|q| q as &dyn shared::sync::JobQueue);
    json_of(
        // Boxed: a test that also runs the sync holds both handlers' futures, too large for a test's stack.
        Box::pin(handle_with(
            &w.app,
            queue,
            signed_request(method, &uri, &body),
        ))
        .await
        .expect("an answer"),
    )
}

/// A GET that must answer 200, and its body.
pub async fn get_ok(w: &World, path: &str) -> Value {
    let (status, body) = call(w, None, "GET", path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The PUT body the page sends for `settings` (a GET answer): what the server accepts, nothing else.
pub fn save_body(settings: &Value) -> Value {
    let mut body = serde_json::json!({ "version": settings["version"], "objects": {} });
    for object in ["contacts", "products", "invoices"] {
        let o = &settings["objects"][object];
        let mappings: Vec<Value> = o["mappings"]
            .as_array()
            .expect("mappings")
            .iter()
            .map(|m| serde_json::json!({ "sources": m["sources"], "target": m["target"], "shape": m["shape"] }))
            .collect();
        body["objects"][object] = serde_json::json!({
            "enabled": o["enabled"], "onChange": o["onChange"], "onDelete": o["onDelete"], "mappings": mappings,
        });
    }
    body
}

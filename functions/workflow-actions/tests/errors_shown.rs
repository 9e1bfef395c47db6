//! What a workflow's history shows when QuickBooks' answer cannot be read (issue 10, item 7): a plain 503
//! that HubSpot retries, never the internal URL, the `requestid` or the answer itself.

use hubspot_sim::{ActionExecution, HubSpotCaller};
use serde_json::json;
use std::sync::Arc;
use test_support::serve::{bind, serve};
use test_support::world::{app_on_with, World, PORTAL, US};
use test_support::HUBSPOT_CLIENT_SECRET;

#[tokio::test]
async fn a_truncated_quickbooks_answer_is_a_plain_503() {
    let w = World::new().await;
    let (listener, url) = bind().await;
    let app = Arc::new(app_on_with(&w.h, &w.qbo, &w.hubspot, &[("PUBLIC_BASE_URL", &url)]).await);
    let served = serve(listener, url, move |req| {
        let app = app.clone();
        async move { workflow_actions::handle(&app, req).await.expect("handler") }
    });
    w.control(&w.qbo.base_url(), "/_sim/faults", json!({
        "path_contains": "/invoice", "method": "POST", "count": 1, "kind": { "type": "truncated" },
    }))
    .await;
    let mut hubspot = HubSpotCaller::new(HUBSPOT_CLIENT_SECRET, PORTAL);
    hubspot.action_retries = 0;
    let run = ActionExecution::new(PORTAL, "DEAL", 401, json!({ "realmId": US }));
    let sent = hubspot
        .execute(&format!("{}/actions/invoice", served.url), &run)
        .await
        .unwrap();
    assert_eq!(sent.status, 503, "{}", sent.body);
    for leak in [
        "http://",
        "requestid",
        "minorversion",
        "127.0.0.1",
        "\"Invoice\"",
        "{\\\"",
    ] {
        assert!(
            !sent.body.contains(leak),
            "the answer shows {leak:?}: {}",
            sent.body
        );
    }
    assert!(sent.body.contains("QuickBooks"), "{}", sent.body);
}

//! What a workflow's history shows when QuickBooks' answer cannot be read (issue 10, item 7): a plain 503
//! that HubSpot retries, never the internal URL, the `requestid` or the answer itself.

mod common;

use common::stage;
use hubspot_sim::ActionExecution;
use serde_json::json;
use test_support::world::{PORTAL, US};

#[tokio::test]
async fn a_truncated_quickbooks_answer_is_a_plain_503() {
    let s = stage(0).await;
    s.w.control(&s.w.qbo.base_url(), "/_sim/faults", json!({
        "path_contains": "/invoice", "method": "POST", "count": 1, "kind": { "type": "truncated" },
    }))
    .await;
    let run = ActionExecution::new(PORTAL, "DEAL", 401, json!({ "realmId": US }));
    let (status, body) = s.deliver("invoice", &run).await;
    let shown = body.to_string();
    assert_eq!(status, 503, "{shown}");
    for leak in [
        "http://",
        "requestid",
        "minorversion",
        "127.0.0.1",
        "\"Invoice\"",
        "{\\\"",
    ] {
        assert!(!shown.contains(leak), "the answer shows {leak:?}: {shown}");
    }
    assert!(shown.contains("QuickBooks"), "{shown}");
}

//! What a user is shown when sending fails (issue 10, item 7): an invalid or oversized `sendTo` is a 400 that
//! says the address is invalid and sends nothing; an upstream failure is a plain message that never carries
//! an internal URL, a `requestid` or what the upstream answered (those are logged).

use invoice_card::handle;
use serde_json::{json, Value};
use test_support::world::{World, PORTAL, US};
use test_support::{fetched, json_of, signed_request};

async fn send(w: &World, body: Value) -> (u16, Value) {
    let url = fetched("/card/documents/send", PORTAL);
    json_of(
        handle(&w.app, signed_request("POST", &url, &body.to_string()))
            .await
            .unwrap(),
    )
}

fn sends(w: &World) -> usize {
    w.qbo
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/send"))
        .count()
}

fn assert_plain(answer: &Value) {
    let text = answer.to_string();
    for leak in [
        "http://",
        "https://",
        "requestid",
        "minorversion",
        "127.0.0.1",
    ] {
        assert!(!text.contains(leak), "the answer shows {leak:?}: {text}");
    }
}

#[tokio::test]
async fn an_invalid_send_to_is_a_400_and_nothing_is_sent() {
    let w = World::new().await;
    let huge = format!("{}@example.com", "a".repeat(70_000));
    for send_to in [
        huge.as_str(),
        "not an address",
        "ap@nomail",
        "a@b.example, c@d.example",
        "ap@nomail.example\r\nBcc: all@corp.example",
        "ap\u{0}@nomail.example",
    ] {
        let (status, answer) =
            send(&w, json!({ "realmId": US, "id": "130", "sendTo": send_to })).await;
        assert_eq!(status, 400, "{send_to:.40}: {answer:.300}");
        assert_eq!(answer["error"]["code"], "bad_request");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("not a valid e-mail address"),
            "{message:.300}"
        );
        assert!(
            message.len() < 400,
            "the address is quoted, not echoed whole"
        );
        assert_plain(&answer);
    }
    assert_eq!(sends(&w), 0, "QuickBooks was never asked to send");
    let (status, answer) = send(
        &w,
        json!({ "realmId": US, "id": "130", "sendTo": " ap@nomail.example " }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(sends(&w), 1);
}

#[tokio::test]
async fn an_upstream_failure_is_shown_plainly() {
    let w = World::new().await;
    // QuickBooks sends, but its answer arrives cut in half.
    w.control(
        &w.qbo.base_url(),
        "/_sim/faults",
        json!({
            "path_contains": "/send", "method": "POST", "count": 1, "kind": { "type": "truncated" },
        }),
    )
    .await;
    let (status, answer) = send(
        &w,
        json!({ "realmId": US, "id": "130", "sendTo": "ap@nomail.example" }),
    )
    .await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["error"]["code"], "upstream");
    assert_plain(&answer);
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        !message.contains("Invoice") && !message.contains('{'),
        "no part of the answer: {message}"
    );
    assert!(message.contains("QuickBooks"), "{message}");
}

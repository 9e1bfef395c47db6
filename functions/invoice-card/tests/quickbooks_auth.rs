//! QuickBooks refusing an access token we still believe valid (issue 10, item 5) and refusing the app
//! itself (item 13): the card renews the token once and carries on, or shows "reconnect needed" (C4).

use invoice_card::handle;
use serde_json::{json, Value};
use shared::connections::{Connection, Status};
use shared::store::keys;
use test_support::world::{World, PORTAL, US};
use test_support::{card_request, json_of};

async fn call(w: &World, path: &str) -> (u16, Value) {
    // Boxed: the handler's future is large in a debug build, and a test thread's stack is 2 MiB.
    json_of(
        Box::pin(handle(&w.app, card_request("GET", path, &Value::Null)))
            .await
            .unwrap(),
    )
}

const SEARCH: &str = "/card/invoices/search?realmId=9130357766900011&customer=Acme";

async fn status(w: &World) -> Status {
    let now = chrono::Utc::now().timestamp();
    let c: Connection = w
        .app
        .store
        .get(&keys::connection(PORTAL.into(), &US.parse().unwrap()), now)
        .await
        .unwrap()
        .unwrap();
    c.status
}

fn refreshes(w: &World) -> usize {
    w.qbo
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth2/v1/tokens/bearer" && r.body.contains("refresh_token"))
        .count()
}

#[tokio::test]
async fn a_token_revoked_early_is_renewed_once_and_the_call_succeeds() {
    let w = World::new().await;
    w.connect_with_refresh(US).await;
    let (code, _) = call(&w, SEARCH).await;
    assert_eq!(code, 200);
    w.control(&w.qbo.base_url(), "/_sim/revoke", json!({ "realm_id": US }))
        .await;

    let (code, body) = call(&w, SEARCH).await;
    assert_eq!(code, 200, "{body}");
    assert!(!body["invoices"].as_array().unwrap().is_empty(), "{body}");
    assert_eq!(refreshes(&w), 1, "one refresh, then the repeated call");
    // The renewed token is kept: the next request needs no refresh.
    let (code, _) = call(&w, SEARCH).await;
    assert_eq!(code, 200);
    assert_eq!(refreshes(&w), 1);
    assert_eq!(status(&w).await, Status::Active);
}

#[tokio::test]
async fn a_revoked_grant_makes_the_company_reconnect_needed() {
    let w = World::new().await;
    w.connect_with_refresh(US).await;
    w.control(
        &w.qbo.base_url(),
        "/_sim/revoke",
        json!({ "realm_id": US, "refresh_tokens": true }),
    )
    .await;

    let (code, body) = call(&w, SEARCH).await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(body["error"]["code"], "reconnect_needed", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reconnect"),
        "{body}"
    );
    assert_eq!(refreshes(&w), 1, "one refresh attempt, no loop");
    assert_eq!(status(&w).await, Status::ReconnectNeeded);
    // From now on the company answers at once, without asking Intuit again.
    let (code, _) = call(&w, SEARCH).await;
    assert_eq!(code, 409);
    assert_eq!(refreshes(&w), 1);
}

#[tokio::test]
async fn a_company_that_no_longer_authorizes_the_app_is_reconnect_needed() {
    let w = World::new().await;
    // QuickBooks' answer when the app is not authorized for the company (quickbooks-api.md §8: 3100, 403).
    w.control(
        &w.qbo.base_url(),
        "/_sim/faults",
        json!({
            "path_contains": "/query", "count": 1,
            "kind": { "type": "status", "status": 403, "body": r#"{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","detail":"","code":"3100"}],"type":"AUTHORIZATION"}}"# },
        }),
    )
    .await;
    let (code, body) = call(&w, SEARCH).await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(body["error"]["code"], "reconnect_needed", "{body}");
    assert_eq!(status(&w).await, Status::ReconnectNeeded);
}

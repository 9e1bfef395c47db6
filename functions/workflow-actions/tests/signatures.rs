//! Which HubSpot signatures a workflow action request may carry (issue 10, item 11): executions are checked
//! with v3 when present and with the legacy v2 `X-HubSpot-Signature` otherwise (the custom-action guide
//! still documents it); a bad v3 is refused even next to a good v2; option fetches need v3.

use hubspot_sim::{ActionExecution, HubSpotCaller};
use serde_json::json;
use shared::verify::hubspot_v2::sign_v2;
use std::sync::Arc;
use test_support::serve::{bind, serve};
use test_support::world::{app_on_with, World, PORTAL, US};
use test_support::{
    json_of, signed_request, signed_request_with, unsigned_request, HUBSPOT_CLIENT_SECRET,
    PUBLIC_BASE_URL,
};
use workflow_actions::handle;

fn execution() -> ActionExecution {
    ActionExecution::new(PORTAL, "DEAL", 401, json!({ "realmId": US }))
}

/// Adds a v2 signature over the request's public URL and body, signed with `secret`.
fn with_v2(mut req: lambda_http::Request, secret: &str, version: &str) -> lambda_http::Request {
    let url = format!("{PUBLIC_BASE_URL}{}", req.uri());
    let body: &[u8] = req.body().as_ref();
    let signature = sign_v2(secret, req.method().as_str(), &url, body);
    let headers = req.headers_mut();
    headers.insert("x-hubspot-signature", signature.parse().unwrap());
    headers.insert("x-hubspot-signature-version", version.parse().unwrap());
    req
}

#[tokio::test]
async fn an_execution_signed_only_with_v2_runs_once_however_often_it_is_replayed() {
    let w = World::new().await;
    let (listener, url) = bind().await;
    let app = Arc::new(app_on_with(&w.h, &w.qbo, &w.hubspot, &[("PUBLIC_BASE_URL", &url)]).await);
    let served = serve(listener, url, move |req| {
        let app = app.clone();
        async move { handle(&app, req).await.expect("handler") }
    });
    let mut hubspot = HubSpotCaller::new(HUBSPOT_CLIENT_SECRET, PORTAL);
    hubspot.action_v3 = false;
    let action_url = format!("{}/actions/invoice", served.url);
    let run = execution();
    let before = w.qbo_entities(US, "Invoice").len();
    let first = hubspot.execute(&action_url, &run).await.unwrap();
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.json()["outputFields"]["hs_execution_state"],
        "SUCCESS"
    );
    // v2 has no timestamp: a replay verifies, and the callbackId makes it the same execution.
    let replay = hubspot.execute(&action_url, &run).await.unwrap();
    assert_eq!((replay.status, replay.json()), (200, first.json()));
    assert_eq!(w.qbo_entities(US, "Invoice").len(), before + 1);
    // A v2 signature made with another secret is refused, and nothing is created.
    let mut forger = hubspot.clone();
    forger.client_secret = "not-the-app-secret".into();
    forger.action_retries = 0;
    let forged = forger.execute(&action_url, &execution()).await.unwrap();
    assert_eq!(forged.status, 401, "{}", forged.body);
    assert_eq!(w.qbo_entities(US, "Invoice").len(), before + 1);
}

#[tokio::test]
async fn v3_decides_when_present_and_one_signature_is_always_needed() {
    let w = World::new().await;
    let body = serde_json::to_string(&execution()).unwrap();
    let now = test_support::now_ms();
    let cases = [
        // A bad v3 next to a good v2.
        with_v2(
            signed_request_with("POST", "/actions/invoice", &body, "forged", now),
            HUBSPOT_CLIENT_SECRET,
            "v2",
        ),
        // A stale v3 next to a good v2.
        with_v2(
            signed_request_with(
                "POST",
                "/actions/invoice",
                &body,
                HUBSPOT_CLIENT_SECRET,
                now - 301_000,
            ),
            HUBSPOT_CLIENT_SECRET,
            "v2",
        ),
        // v2 alone: forged, over another body, of another version, or without its version.
        with_v2(
            unsigned_request("POST", "/actions/invoice", &body),
            "forged",
            "v2",
        ),
        {
            let mut req = with_v2(
                unsigned_request("POST", "/actions/invoice", "{}"),
                HUBSPOT_CLIENT_SECRET,
                "v2",
            );
            *req.body_mut() = body.clone().into();
            req
        },
        with_v2(
            unsigned_request("POST", "/actions/invoice", &body),
            HUBSPOT_CLIENT_SECRET,
            "v1",
        ),
        {
            let mut req = with_v2(
                unsigned_request("POST", "/actions/invoice", &body),
                HUBSPOT_CLIENT_SECRET,
                "v2",
            );
            req.headers_mut().remove("x-hubspot-signature-version");
            req
        },
        // Neither.
        unsigned_request("POST", "/actions/invoice", &body),
        // Option fetches have no callbackId to make a replay harmless: v2 alone is not enough.
        with_v2(
            unsigned_request(
                "POST",
                "/actions/options/companies",
                &json!({ "origin": { "portalId": PORTAL }, "inputFields": {} }).to_string(),
            ),
            HUBSPOT_CLIENT_SECRET,
            "v2",
        ),
    ];
    let before = w.qbo_entities(US, "Invoice").len();
    for req in cases {
        let what = format!("{:?}", req.headers());
        let (status, answer) = json_of(handle(&w.app, req).await.unwrap());
        assert_eq!(status, 401, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], "unauthorized");
    }
    assert_eq!(
        w.qbo_entities(US, "Invoice").len(),
        before,
        "nothing was created"
    );
    // Both good: v3 decides, and the execution runs.
    let both = with_v2(
        signed_request("POST", "/actions/invoice", &body),
        HUBSPOT_CLIENT_SECRET,
        "v2",
    );
    let (status, answer) = json_of(handle(&w.app, both).await.unwrap());
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["outputFields"]["hs_execution_state"], "SUCCESS",
        "{answer}"
    );
}

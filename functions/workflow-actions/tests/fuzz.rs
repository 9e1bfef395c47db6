//! The workflow actions' parsers and both HubSpot verifiers (v3, and v2 for executions) against a
//! deterministic corpus of hostile values (issue 10, item 3): signed executions and option fetches whose
//! bodies carry numbers at the i64/u64/decimal limits, huge strings, bad UTF-8 and deep JSON, and signature
//! headers no one could have made. Only 2xx/4xx answers, never a 5xx or a panic.

use serde_json::{json, Value};
use shared::verify::hubspot_v2::sign_v2;
use std::sync::Arc;
use test_support::fuzz::{self, Case, Rng};
use test_support::world::{app_on, World, PORTAL, UK, US};
use test_support::PUBLIC_BASE_URL;
use workflow_actions::handle;

const PER_SLOT: usize = 4;
/// Fixed, so every run sends the same corpus.
const SEED: u64 = 11;

fn execution() -> Value {
    json!({
        "callbackId": "ap-62515-1-7-0",
        "origin": { "portalId": PORTAL, "actionDefinitionId": 10646377, "actionDefinitionVersion": 1 },
        "context": { "source": "WORKFLOWS", "workflowId": 192814114 },
        "object": { "objectId": 401, "objectType": "DEAL", "properties": { "amount": "300" } },
        "inputFields": { "realmId": US, "daysUntilDue": "14", "taxCodeId": "TAX" },
    })
}

fn options(field: &str) -> Value {
    json!({
        "origin": { "portalId": PORTAL, "actionDefinitionId": 2, "actionDefinitionVersion": 1 },
        "objectTypeId": "0-3", "inputFieldName": field,
        "inputFields": { "realmId": { "type": "STATIC_VALUE", "value": UK } },
        "fetchOptions": { "q": "a", "after": "1" },
    })
}

/// An execution signed only with v2, with the given signature and version headers when they are set.
fn v2_only(body: Vec<u8>, signature: Option<String>, version: &'static str) -> Case {
    Case::new(format!("v2 {signature:.60?} {version}"), move || {
        let path = "/actions/invoice";
        let good = sign_v2(
            test_support::HUBSPOT_CLIENT_SECRET,
            "POST",
            &format!("{PUBLIC_BASE_URL}{path}"),
            &body,
        );
        let mut req = test_support::unsigned_request("POST", path, "");
        *req.body_mut() = body.into();
        let headers = req.headers_mut();
        if let Ok(value) = signature.unwrap_or(good).parse() {
            headers.insert("x-hubspot-signature", value);
        }
        headers.insert("x-hubspot-signature-version", version.parse().unwrap());
        req
    })
}

fn cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut callback = 0u32;
    // The three executions share one parser, so one is fuzzed in depth: each success adds a document to the
    // deal, and every later execution reads them all.
    let routes = [
        ("/actions/invoice", Some(execution())),
        ("/actions/estimate", None),
        ("/actions/sales-receipt", None),
        ("/actions/options/companies", Some(options("realmId"))),
        ("/actions/options/taxcodes", Some(options("taxCodeId"))),
    ];
    for (path, template) in &routes {
        // Numbers at the limits go where they are read: the record, the inputs and the portal.
        let mutations = template.as_ref().map_or_else(Vec::new, |t| {
            fuzz::body_mutations(t, rng, PER_SLOT, |leaf| {
                leaf.starts_with("inputFields")
                    || leaf.starts_with("object.")
                    || leaf == "origin.portalId"
            })
        });
        for (what, mut body) in mutations {
            // A fresh callbackId per case, unless it is what is fuzzed: a repeat answers the stored outcome.
            if body.get("callbackId") == Some(&json!("ap-62515-1-7-0")) {
                callback += 1;
                body["callbackId"] = json!(format!("ap-62515-{callback}-7-0"));
            }
            cases.push(Case::signed(
                format!("POST {path} {what}"),
                "POST",
                path,
                body.to_string().into_bytes(),
            ));
        }
        for (i, raw) in fuzz::raw_bodies().into_iter().enumerate() {
            cases.push(Case::signed(
                format!("POST {path} raw body #{i}"),
                "POST",
                path,
                raw,
            ));
        }
    }
    let body = execution().to_string().into_bytes();
    for ts in fuzz::hostile_timestamps() {
        let body = body.clone();
        cases.push(Case::new(format!("timestamp {ts:.60}"), move || {
            fuzz::signed_raw("POST", "/actions/invoice", &body, &ts)
        }));
    }
    for signature in fuzz::hostile_signatures() {
        cases.push(v2_only(body.clone(), Some(signature), "v2"));
    }
    for version in ["v1", "v3", "", "V2 ", "v2;v3"] {
        cases.push(v2_only(body.clone(), None, version));
    }
    cases
}

#[tokio::test]
async fn hostile_input_on_every_action_route_gets_only_4xx() {
    let w = World::new().await;
    // Parsing is under test, not throttling: waits for the simulators' rate limits would only slow it down.
    w.without_rate_limits().await;
    let app = Arc::new(app_on(&w.h, &w.qbo, &w.hubspot).await);
    let cases = cases(&mut Rng::new(SEED));
    assert!(cases.len() > 250, "{} cases", cases.len());
    let failures = fuzz::run(
        cases,
        move |req| {
            let app = app.clone();
            async move { handle(&app, req).await.expect("the handler answers") }
        },
        true,
    )
    .await;
    fuzz::assert_none(&failures);
}

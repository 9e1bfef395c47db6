//! The connections and settings routes' parsers, the v3 verifier and the browser legs of OAuth against a
//! deterministic corpus of hostile values (issue 10, item 3): query values, path segments and bodies with
//! numbers at the i64/u64 limits, huge strings, control characters, bad UTF-8, deep JSON and duplicated
//! parameters. Only 2xx/3xx/4xx answers, never a 5xx or a panic, and no error shows an internal URL.

use oauth_callback::handle;
use serde_json::json;
use std::sync::Arc;
use test_support::fuzz::{self, Case, Rng};
use test_support::world::{app_on, World, PORTAL, US};
use test_support::{fetched, unsigned_request};

const PER_SLOT: usize = 8;
/// Fixed, so every run sends the same corpus.
const SEED: u64 = 12;

fn signed_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    for (method, route) in [("GET", "/connections"), ("GET", "/settings")] {
        for url in fuzz::query_mutations(&fetched(route, PORTAL), rng, PER_SLOT) {
            cases.push(Case::signed(
                format!("{method} {url:.160}"),
                method,
                &url,
                Vec::new(),
            ));
        }
    }
    let bodies = [
        (
            "POST",
            "/connections/connect-url",
            json!({ "environment": "sandbox" }),
        ),
        (
            "PUT",
            "/settings",
            json!({ "createCustomers": false, "unmatchedItem": "default_item", "defaultItems": { US: "1" } }),
        ),
    ];
    for (method, path, template) in &bodies {
        let url = fetched(path, PORTAL);
        for (what, body) in fuzz::body_mutations(template, rng, PER_SLOT, |_| true) {
            cases.push(Case::signed(
                format!("{method} {path} {what}"),
                method,
                &url,
                body.to_string().into_bytes(),
            ));
        }
        for (i, raw) in fuzz::raw_bodies().into_iter().enumerate() {
            cases.push(Case::signed(
                format!("{method} {path} raw body #{i}"),
                method,
                &url,
                raw,
            ));
        }
    }
    for text in fuzz::texts() {
        let segment = fuzz::encode(&text);
        for (method, path) in [
            ("POST", format!("/connections/{segment}/reconnect")),
            ("DELETE", format!("/connections/{segment}")),
        ] {
            let url = fetched(&path, PORTAL);
            cases.push(Case::signed(
                format!("{method} {url:.160}"),
                method,
                &url,
                Vec::new(),
            ));
        }
    }
    let list = fetched("/connections", PORTAL);
    for ts in fuzz::hostile_timestamps() {
        let url = list.clone();
        cases.push(Case::new(format!("timestamp {ts:.60}"), move || {
            fuzz::signed_raw("GET", &url, b"", &ts)
        }));
    }
    for signature in fuzz::hostile_signatures() {
        let url = list.clone();
        cases.push(Case::new(format!("signature {signature:.60}"), move || {
            let mut req = fuzz::signed("GET", &url, b"");
            if let Ok(value) = signature.parse() {
                req.headers_mut().insert("x-hubspot-signature-v3", value);
            }
            req
        }));
    }
    cases
}

/// The browser legs: unsigned, answered with redirects and HTML pages.
fn browser_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    for route in [
        "/oauth/hubspot/install?from=card".to_string(),
        "/oauth/hubspot/callback?code=abc&state=0123456789abcdef".into(),
        format!("/oauth/quickbooks/callback?code=abc&state=0123456789abcdef&realmId={US}"),
        "/oauth/quickbooks/callback?error=access_denied&state=0123456789abcdef".into(),
    ] {
        let mut urls = fuzz::query_mutations(&route, rng, PER_SLOT);
        // What the consent screen sends back is echoed on the page: a huge value must not be, whole.
        urls.push(format!("{route}&error={}", "a".repeat(8_000)));
        for url in urls {
            cases.push(Case::new(format!("GET {url:.160}"), move || {
                unsigned_request("GET", &url, "")
            }));
        }
    }
    cases
}

#[tokio::test]
async fn hostile_input_on_every_connections_settings_and_oauth_route_gets_only_4xx() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let app = Arc::new(app_on(&w.h, &w.qbo, &w.hubspot).await);
    let mut rng = Rng::new(SEED);
    let signed = signed_cases(&mut rng);
    let browser = browser_cases(&mut rng);
    assert!(
        signed.len() + browser.len() > 400,
        "{} cases",
        signed.len() + browser.len()
    );
    let handler = move |app: Arc<shared::App>| {
        move |req| {
            let app = app.clone();
            async move { handle(&app, req).await.expect("the handler answers") }
        }
    };
    let mut failures = fuzz::run(signed, handler(app.clone()), true).await;
    failures.extend(fuzz::run(browser, handler(app), false).await);
    fuzz::assert_none(&failures);
}

//! The simulator's company API, faults, throttling and control API over loopback HTTP.

use qbo_sim::{QboSim, Seed};
use serde_json::{json, Value};

const US: &str = "9130357766900011";

async fn access_token(sim: &QboSim) -> String {
    sim.issue_access_token(US)
}

async fn get(sim: &QboSim, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/v3/company/{US}/{path}", sim.base_url()))
        .bearer_auth(token)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
}

async fn control(sim: &QboSim, path: &str, body: Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/_sim/{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

#[tokio::test]
async fn preferences_entities_and_the_fault_envelope() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    let prefs: Value = get(&sim, &token, "preferences").await.json().await.unwrap();
    assert_eq!(
        prefs["Preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"],
        "USD"
    );
    assert_eq!(
        prefs["Preferences"]["SalesFormsPrefs"]["CustomTxnNumbers"],
        false
    );
    let term: Value = get(&sim, &token, "term/3").await.json().await.unwrap();
    assert_eq!(term["Term"]["Name"], "Net 30");
    assert_eq!(term["Term"]["Id"], "3", "ids are strings");

    let missing = get(&sim, &token, "customer/99999").await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["Fault"]["Error"][0]["code"], "610");
    assert_eq!(body["Fault"]["type"], "ValidationFault");
    // Unknown entities are refused, never answered with an empty success.
    let unknown = get(&sim, &token, "widget/1").await;
    assert_eq!(unknown.status(), 400);
}

#[tokio::test]
async fn injected_faults_hit_matching_requests_count_times() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    control(&sim, "faults", json!({"path_contains": "/preferences", "kind": {"type": "status", "status": 503, "body": "down"}, "count": 2})).await;
    assert_eq!(get(&sim, &token, "preferences").await.status(), 503);
    assert_eq!(get(&sim, &token, "preferences").await.status(), 503);
    assert_eq!(
        get(&sim, &token, "preferences").await.status(),
        200,
        "the rule is spent"
    );

    control(
        &sim,
        "faults",
        json!({"path_contains": "/preferences", "kind": {"type": "malformed_json"}}),
    )
    .await;
    let text = get(&sim, &token, "preferences").await.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());

    control(
        &sim,
        "faults",
        json!({"path_contains": "/preferences", "kind": {"type": "truncated"}}),
    )
    .await;
    let text = get(&sim, &token, "preferences").await.text().await.unwrap();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "half a body: {text}"
    );

    control(
        &sim,
        "faults",
        json!({"path_contains": "/term/", "kind": {"type": "timeout"}}),
    )
    .await;
    let timed_out = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap()
        .get(format!("{}/v3/company/{US}/term/3", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
}

#[tokio::test]
async fn more_than_ten_requests_a_second_get_the_xml_throttle_fault() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let res = get(&sim, &token, "preferences").await;
        statuses.push(res.status().as_u16());
        if res.status() == 429 {
            let body = res.text().await.unwrap();
            assert!(body.contains(r#"<Error code="3001">"#), "{body}");
        }
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        2,
        "{statuses:?}"
    );
    // Tests that need bursts can turn the limits off.
    control(&sim, "settings", json!({"rate_limits": false})).await;
    assert_eq!(get(&sim, &token, "preferences").await.status(), 200);
}

#[tokio::test]
async fn the_request_log_records_calls_and_reset_restores_the_seed() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    get(&sim, &token, "preferences?minorversion=75").await;
    let log: Value = reqwest::get(format!("{}/_sim/requests", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = log["requests"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["method"], "GET");
    assert_eq!(last["path"], format!("/v3/company/{US}/preferences"));
    assert_eq!(last["query"], "minorversion=75");
    assert!(last["headers"]["authorization"]
        .as_str()
        .unwrap()
        .starts_with("Bearer "));

    let res = reqwest::Client::new()
        .post(format!("{}/_sim/reset", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert!(sim.requests().is_empty());
    assert_eq!(
        get(&sim, &token, "preferences").await.status(),
        401,
        "grants are gone after a reset"
    );
}

#[tokio::test]
async fn queries_by_get_and_post_with_the_documented_envelopes() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    let statement = "SELECT * FROM Customer WHERE DisplayName LIKE '%acme%' ORDERBY DisplayName";
    let by_get: Value = reqwest::Client::new()
        .get(format!("{}/v3/company/{US}/query", sim.base_url()))
        .query(&[("query", statement), ("minorversion", "75")])
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = by_get["QueryResponse"]["Customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["DisplayName"].clone())
        .collect();
    assert_eq!(
        names,
        ["Acme Ltd", "Acme Ltd."],
        "near-identical names, the inactive one hidden"
    );
    assert_eq!(by_get["QueryResponse"]["startPosition"], 1);

    let post = |body: &'static str| {
        reqwest::Client::new()
            .post(format!(
                "{}/v3/company/{US}/query?minorversion=75",
                sim.base_url()
            ))
            .bearer_auth(&token)
            .header("content-type", "application/text")
            .body(body)
            .send()
    };
    let all: Value = post("select * from Customer where Active in (true, false)")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        all["QueryResponse"]["Customer"].as_array().unwrap().len(),
        4
    );
    let count: Value = post("SELECT COUNT(*) FROM Invoice WHERE Balance > '0'")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count["QueryResponse"]["totalCount"], 4);
    let empty: Value = post("SELECT * FROM Invoice WHERE DocNumber = 'nope'")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        empty["QueryResponse"],
        json!({}),
        "the empty envelope has no entity key"
    );
    let refused = post("SELECT * FROM Invoice WHERE DocNumber = '1' OR DocNumber = '2'")
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["Fault"]["Error"][0]["code"], "4000");
    // Amounts keep QuickBooks' mix of 275 and 275.0.
    let invoices: Value = post("SELECT * FROM Invoice WHERE DocNumber IN ('1002', '1003')")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let raw = invoices.to_string();
    assert!(
        raw.contains("\"TotalAmt\":275.0") && raw.contains("\"Balance\":275,"),
        "{raw}"
    );
}

#[tokio::test]
async fn a_fault_can_delay_an_answer() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let token = access_token(&sim).await;
    control(&sim, "faults", json!({"path_contains": "/preferences", "kind": {"type": "status", "status": 500, "body": "{}"}, "delay_ms": 300})).await;
    let started = std::time::Instant::now();
    assert_eq!(get(&sim, &token, "preferences").await.status(), 500);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

//! The control API (`/_sim/`), faults, rate limits, errors for what HubSpot does not serve, the server's
//! lifetime and the `hubspot-sim` binary, over loopback HTTP.

mod common;

use common::{assert_error, http, Api};
use hubspot_sim::{HubSpotSim, Seed};
use serde_json::{json, Value};
use std::time::Duration;

const DETAILS: &str = "/account-info/v3/details";

async fn fault(api: &Api, rule: Value) {
    assert_eq!(api.control("POST", "/_sim/faults", Some(rule)).await.0, 204);
}

async fn raw_get(api: &Api, path: &str) -> Result<(u16, String), reqwest::Error> {
    let res = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
        .get(api.url(path))
        .bearer_auth(&api.token)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

#[tokio::test]
async fn the_request_log_holds_method_path_query_headers_and_body() {
    let api = Api::start().await;
    api.call(
        "POST",
        "/crm/v3/objects/deals/search?hapikey=no",
        Some(json!({"limit": 1})),
    )
    .await;
    let (_, log) = api.control("GET", "/_sim/requests", None).await;
    let last = &log["requests"][0];
    assert_eq!(last["method"], "POST");
    assert_eq!(last["path"], "/crm/v3/objects/deals/search");
    assert_eq!(last["query"], "hapikey=no");
    assert_eq!(
        last["headers"]["authorization"],
        format!("Bearer {}", api.token)
    );
    assert_eq!(last["body"], r#"{"limit":1}"#);
    assert_eq!(api.sim.requests().len(), 1, "control calls are not logged");
    assert_eq!(api.sim.count("POST", "/search"), 1);
    assert_eq!(api.control("DELETE", "/_sim/requests", None).await.0, 204);
    assert!(api.sim.requests().is_empty());
}

#[tokio::test]
async fn faults_by_path_with_status_delay_and_count() {
    let api = Api::start().await;
    for status in [500, 503, 429] {
        fault(&api, json!({"path_contains": "/account-info", "kind": {"type": "status", "status": status, "body": "{\"status\":\"error\"}"}})).await;
        assert_eq!(api.call("GET", DETAILS, None).await.0, status);
    }
    assert_eq!(
        api.call("GET", DETAILS, None).await.0,
        200,
        "each rule is spent after `count`"
    );
    fault(&api, json!({"path_contains": "/objects/deals", "method": "PATCH", "count": 2, "kind": {"type": "status", "status": 502, "body": "bad gateway", "content_type": "text/plain"}})).await;
    assert_eq!(
        api.call("GET", "/crm/v3/objects/deals/401", None).await.0,
        200,
        "only PATCH matches"
    );
    for _ in 0..2 {
        assert_eq!(
            api.call(
                "PATCH",
                "/crm/v3/objects/deals/401",
                Some(json!({"properties": {}}))
            )
            .await
            .0,
            502
        );
    }
    assert_eq!(
        api.call(
            "PATCH",
            "/crm/v3/objects/deals/401",
            Some(json!({"properties": {}}))
        )
        .await
        .0,
        200
    );

    fault(&api, json!({"path_contains": "/account-info", "delay_ms": 300, "kind": {"type": "status", "status": 200, "body": "{}"}})).await;
    let started = std::time::Instant::now();
    api.call("GET", DETAILS, None).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_fault_can_skip_matching_requests_and_lose_the_answer_of_a_write_it_let_through() {
    let api = Api::start().await;
    fault(&api, json!({"path_contains": "/objects/deals", "method": "PATCH", "skip": 1, "kind": {"type": "answer_lost"}})).await;
    let rename = |name: &str| Some(json!({"properties": {"dealname": name}}));
    let path = "/crm/v3/objects/deals/401";
    assert_eq!(
        api.call("PATCH", path, rename("first")).await.0,
        200,
        "skipped"
    );
    let (status, _) = api.call("PATCH", path, rename("second")).await;
    assert_eq!(status, 504, "the answer is lost");
    let (_, deal) = api
        .call("GET", &format!("{path}?properties=dealname"), None)
        .await;
    assert_eq!(
        deal["properties"]["dealname"], "second",
        "the write was made"
    );
    assert_eq!(
        api.call("PATCH", path, rename("third")).await.0,
        200,
        "spent"
    );
}

#[tokio::test]
async fn timeouts_malformed_and_truncated_bodies() {
    let api = Api::start().await;
    fault(
        &api,
        json!({"path_contains": "/account-info", "kind": {"type": "timeout"}}),
    )
    .await;
    let err = raw_get(&api, DETAILS).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    fault(
        &api,
        json!({"path_contains": "/account-info", "kind": {"type": "malformed_json"}}),
    )
    .await;
    let (status, body) = raw_get(&api, DETAILS).await.unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    fault(
        &api,
        json!({"path_contains": "/account-info", "kind": {"type": "truncated"}}),
    )
    .await;
    let (status, body) = raw_get(&api, DETAILS).await.unwrap();
    assert_eq!(status, 200);
    assert!(
        body.starts_with("{\"") && serde_json::from_str::<Value>(&body).is_err(),
        "{body}"
    );
    assert_eq!(api.control("DELETE", "/_sim/faults", None).await.0, 204);
}

#[tokio::test]
async fn the_burst_limit_is_110_per_ten_seconds_with_the_documented_429_and_headers() {
    let api = Api::start().await;
    let res = http()
        .get(api.url(DETAILS))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("x-hubspot-ratelimit-max"), "110");
    assert_eq!(header("x-hubspot-ratelimit-remaining"), "109");
    assert_eq!(header("x-hubspot-ratelimit-interval-milliseconds"), "10000");
    for _ in 1..110 {
        assert_eq!(api.call("GET", DETAILS, None).await.0, 200);
    }
    let (status, body) = api.call("GET", DETAILS, None).await;
    assert_eq!(status, 429);
    assert_eq!(body["status"], "error");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert!(
        body["message"].is_string()
            && body["correlationId"].is_string()
            && body["requestId"].is_string()
    );
    assert_eq!(
        api.call("POST", "/crm/v3/objects/deals/search", Some(json!({})))
            .await
            .0,
        200,
        "search is metered apart"
    );
}

#[tokio::test]
async fn limits_can_be_tuned_and_switched_off() {
    let api = Api::start().await;
    let (_, defaults) = api.control("GET", "/_sim/limits", None).await;
    assert_eq!(
        defaults,
        json!({"enabled": true, "burst": 110, "window_ms": 10000, "search_per_second": 5})
    );
    api.control(
        "POST",
        "/_sim/limits",
        Some(json!({"burst": 3, "window_ms": 300})),
    )
    .await;
    let statuses: Vec<u16> = statuses_of(&api, 4).await;
    assert_eq!(statuses, [200, 200, 200, 429]);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(
        api.call("GET", DETAILS, None).await.0,
        200,
        "the window rolls"
    );
    api.control("POST", "/_sim/limits", Some(json!({"enabled": false})))
        .await;
    assert!(statuses_of(&api, 150).await.iter().all(|s| *s == 200));
}

async fn statuses_of(api: &Api, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(api.call("GET", DETAILS, None).await.0);
    }
    out
}

#[tokio::test]
async fn what_hubspot_does_not_serve_is_an_error() {
    let api = Api::start().await;
    assert_error(
        &api.call("GET", "/crm/v3/nothing-here", None).await,
        404,
        "OBJECT_NOT_FOUND",
    );
    assert_error(
        &api.call("GET", "/oauth/v1/access-tokens/abc", None).await,
        404,
        "OBJECT_NOT_FOUND",
    );
    assert_error(
        &api.call("PUT", "/crm/v3/objects/deals/401", None).await,
        405,
        "VALIDATION_ERROR",
    );
    let res = http()
        .post(api.url("/crm/v3/objects/deals"))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"properties\": ")
        .send()
        .await
        .unwrap();
    let answer = (res.status().as_u16(), res.json::<Value>().await.unwrap());
    assert_error(&answer, 400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn seed_reset_state_tokens_and_clock() {
    let api = Api::start().await;
    let other = json!({"portalId": 777, "companyCurrency": "EUR", "timeZone": "Europe/Paris", "utcOffsetMinutes": 60,
        "objects": {"deals": [{"id": "9", "properties": {"dealname": "Only deal"}}]}});
    assert_eq!(api.control("POST", "/_sim/seed", Some(other)).await.0, 204);
    let (status, minted) = api
        .control("POST", "/_sim/tokens", Some(json!({"scopes": ["oauth"]})))
        .await;
    assert_eq!(status, 200);
    let token = minted["access_token"].as_str().unwrap().to_string();
    let (_, details) = api.call_as(&token, "GET", DETAILS, None).await;
    assert_eq!(
        (
            details["portalId"].as_u64(),
            details["companyCurrency"].as_str()
        ),
        (Some(777), Some("EUR"))
    );
    assert_eq!(
        api.call_as(&token, "GET", "/crm/v3/objects/deals/9", None)
            .await
            .0,
        403,
        "minted with oauth only"
    );
    let full = api.control("POST", "/_sim/tokens", Some(json!({}))).await.1["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    api.call_as(
        &full,
        "PATCH",
        "/crm/v3/objects/deals/9",
        Some(json!({"properties": {"amount": "5"}})),
    )
    .await;
    let (_, state) = api.control("GET", "/_sim/state", None).await;
    assert_eq!(state["portalId"], 777);
    assert_eq!(state["objects"]["deals"][0]["properties"]["amount"], "5");

    let (_, clock) = api
        .control(
            "POST",
            "/_sim/clock",
            Some(json!({"advance_seconds": 86400})),
        )
        .await;
    let now = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap()).unwrap();
    assert!(now > chrono::Utc::now() + chrono::Duration::hours(23));

    assert_eq!(api.control("POST", "/_sim/reset", None).await.0, 204);
    assert_eq!(
        api.call_as(&full, "GET", DETAILS, None).await.0,
        401,
        "tokens are gone after a reset"
    );
    let (_, state) = api.control("GET", "/_sim/state", None).await;
    assert_eq!(
        state["objects"]["deals"][0]["properties"].get("amount"),
        None,
        "back to the last seed"
    );
    assert_eq!(state["portalId"], 777);
}

#[tokio::test]
async fn stop_and_drop_shut_the_server_down() {
    for stop in [true, false] {
        let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
        let url = format!("{}/oauth/authorize", sim.base_url());
        assert!(http().get(&url).send().await.is_ok());
        if stop {
            sim.stop();
        } else {
            drop(sim);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            http().get(&url).send().await.is_err(),
            "nothing listens any more"
        );
    }
}

#[tokio::test]
async fn the_binary_serves_a_seed_file_and_prints_its_url() {
    use tokio::io::AsyncBufReadExt;
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed.json");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hubspot-sim"))
        .args(["--port", "0", "--seed", seed])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = line.split_whitespace().last().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let token: Value = http()
        .post(format!("{url}/_sim/tokens"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let deal: Value = http()
        .get(format!("{url}/crm/v3/objects/deals/401"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deal["properties"]["dealname"], "Acme consulting");
}

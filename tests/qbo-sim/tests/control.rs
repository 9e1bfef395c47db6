//! The control API under `/_sim/` and the library handle: faults, request log, reset, seed, state, clock,
//! stop (tests/qbo-sim/README.md "Control API").

mod common;

use common::{control, Company, US};
use qbo_sim::{QboSim, Seed};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn injected_faults_hit_matching_requests_count_times() {
    let us = Company::start(US).await;
    us.control("faults", json!({"path_contains": "/preferences", "kind": {"type": "status", "status": 503, "body": "down"}, "count": 2})).await;
    assert_eq!(us.get("preferences").await.status(), 503);
    assert_eq!(us.get("preferences").await.status(), 503);
    assert_eq!(
        us.get("preferences").await.status(),
        200,
        "the rule is spent"
    );

    us.control("faults", json!({"path_contains": "/preferences", "method": "POST", "kind": {"type": "status", "status": 500, "body": "{}"}})).await;
    assert_eq!(
        us.get("preferences").await.status(),
        200,
        "only POSTs match"
    );

    let throttle = r#"<Fault type="SERVICE"><Error code="3001"/></Fault>"#;
    us.control("faults", json!({"path_contains": "/term/", "kind": {"type": "status", "status": 429, "body": throttle, "content_type": "application/xml"}})).await;
    let res = us.get("term/3").await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["content-type"], "application/xml");

    us.control(
        "faults",
        json!({"path_contains": "/preferences", "kind": {"type": "malformed_json"}}),
    )
    .await;
    let res = us.get("preferences").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    us.control(
        "faults",
        json!({"path_contains": "/preferences", "kind": {"type": "truncated"}}),
    )
    .await;
    let text = us.get("preferences").await.text().await.unwrap();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "half a body: {text}"
    );

    us.control(
        "faults",
        json!({"path_contains": "/term/", "kind": {"type": "timeout"}}),
    )
    .await;
    let timed_out = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .get(us.url("term/3"))
        .bearer_auth(&us.token)
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());

    us.control("faults", json!({"path_contains": "/preferences", "kind": {"type": "status", "status": 500, "body": "{}"}, "delay_ms": 300})).await;
    let started = Instant::now();
    assert_eq!(us.get("preferences").await.status(), 500);
    assert!(started.elapsed() >= Duration::from_millis(300));

    us.control("faults", json!({"path_contains": "/preferences", "kind": {"type": "status", "status": 500, "body": "{}"}, "count": 5})).await;
    let cleared = reqwest::Client::new()
        .delete(format!("{}/_sim/faults", us.sim.base_url()))
        .send()
        .await
        .unwrap();
    assert!(cleared.status().is_success());
    assert_eq!(us.get("preferences").await.status(), 200);
}

#[tokio::test]
async fn the_request_log_records_method_path_query_headers_and_body() {
    let us = Company::start(US).await;
    us.post(
        "customer?minorversion=75&requestid=r1",
        json!({"DisplayName": "Logged Ltd"}),
    )
    .await;
    let log: Value = reqwest::get(format!("{}/_sim/requests", us.sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "control calls are not logged: {log}");
    let logged = &requests[0];
    assert_eq!(logged["method"], "POST");
    assert_eq!(logged["path"], format!("/v3/company/{US}/customer"));
    assert_eq!(logged["query"], "minorversion=75&requestid=r1");
    assert!(logged["headers"]["authorization"]
        .as_str()
        .unwrap()
        .starts_with("Bearer "));
    assert_eq!(
        serde_json::from_str::<Value>(logged["body"].as_str().unwrap()).unwrap()["DisplayName"],
        "Logged Ltd"
    );
    assert_eq!(
        us.sim.count("POST", "/customer"),
        1,
        "exactly one customer create"
    );
    reqwest::Client::new()
        .delete(format!("{}/_sim/requests", us.sim.base_url()))
        .send()
        .await
        .unwrap();
    assert!(us.sim.requests().is_empty());
}

#[tokio::test]
async fn reset_restores_the_seed_and_forgets_grants() {
    let us = Company::start(US).await;
    let (status, _) = us
        .post("customer", json!({"DisplayName": "Temporary"}))
        .await;
    assert_eq!(status, 200);
    us.control("clock", json!({"advance_seconds": 600})).await;
    us.control("reset", json!({})).await;
    assert!(us.sim.requests().is_empty());
    assert_eq!(us.get("preferences").await.status(), 401, "grants are gone");
    let token = us.sim.issue_access_token(US);
    let fresh = Company {
        sim: us.sim,
        realm: US,
        token,
    };
    let (_, found) = fresh
        .query("SELECT * FROM Customer WHERE DisplayName = 'Temporary'")
        .await;
    assert_eq!(found["QueryResponse"], json!({}), "the write is gone");
    let (_, info) = fresh.get_json(&format!("companyinfo/{US}")).await;
    assert!(
        info["time"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-22T09:00"),
        "the clock is back: {info}"
    );
}

#[tokio::test]
async fn a_new_seed_replaces_everything_and_state_shows_the_live_data() {
    let us = Company::start(US).await;
    let mut seed = Seed::demo();
    seed.companies.retain(|c| c.realm_id == US);
    seed.companies[0].entities.insert(
        "Customer".into(),
        vec![json!({"Id": "1", "DisplayName": "Only One", "Active": true, "SyncToken": "0"})],
    );
    seed.now = Some("2027-03-01T12:00:00-08:00".parse().unwrap());
    control(&us.sim, "seed", serde_json::to_value(&seed).unwrap()).await;
    let state: Value = reqwest::get(format!("{}/_sim/state", us.sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["companies"].as_array().unwrap().len(), 1);
    assert_eq!(
        state["companies"][0]["entities"]["Customer"][0]["DisplayName"],
        "Only One"
    );
    assert!(
        state["now"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-01T20:00"),
        "{}",
        state["now"]
    );
}

#[tokio::test]
async fn the_clock_moves_the_simulated_time() {
    let us = Company::start(US).await;
    us.control("clock", json!({"advance_seconds": 1800})).await;
    let (_, info) = us.get_json(&format!("companyinfo/{US}")).await;
    assert!(
        info["time"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-22T09:30"),
        "{info}"
    );
}

#[tokio::test]
async fn stopping_or_dropping_the_handle_stops_the_server() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let url = format!("{}/connect/oauth2", sim.base_url());
    sim.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(reqwest::get(&url).await.unwrap_err().is_connect());

    let url = {
        let dropped = QboSim::start(Seed::demo()).await.unwrap();
        dropped.base_url()
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(reqwest::get(&url).await.unwrap_err().is_connect());
}

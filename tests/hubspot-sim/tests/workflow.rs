//! Workflow callbacks (hubspot-api.md §4) and HubSpot calling us: signed card fetches (§2, §3b) and action
//! executions with HubSpot's retries (§4), through the library and the `hubspot-call` binary.

mod common;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use common::{assert_error, Api};
use hubspot_sim::signature::{signature_v2, signature_v3};
use hubspot_sim::{ActionExecution, HubSpotCaller, CLIENT_SECRET};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn callbacks_complete_on_every_path_and_are_recorded() {
    let api = Api::start().await;
    let done = json!({"outputFields": {"hs_execution_state": "SUCCESS", "qbo_invoice_id": "130"}, "typedOutputs": {}});
    for path in [
        "/automation/v4/actions/callbacks/ap-1/complete",
        "/automation/actions/callbacks/2026-09/ap-2/complete",
    ] {
        assert_eq!(
            api.call("POST", path, Some(done.clone())).await.0,
            204,
            "{path}"
        );
    }
    let batch = json!({"inputs": [{"callbackId": "ap-3", "outputFields": {"hs_execution_state": "FAIL_CONTINUE"}}]});
    for path in [
        "/automation/v4/actions/callbacks/complete",
        "/automation/actions/callbacks/2026-03/complete",
    ] {
        assert_eq!(
            api.call("POST", path, Some(batch.clone())).await.0,
            204,
            "{path}"
        );
    }
    let recorded = api.sim.with_state(|s| s.callbacks.clone());
    let ids: Vec<&str> = recorded
        .iter()
        .map(|c| c["callbackId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ap-1", "ap-2", "ap-3", "ap-3"]);
    assert_eq!(recorded[0]["body"]["outputFields"]["qbo_invoice_id"], "130");

    let refused = [
        ("/automation/v4/actions/callbacks/ap-4/complete", json!({})),
        (
            "/automation/v4/actions/callbacks/ap-4/complete",
            json!({"outputFields": {"hs_execution_state": "BLOCK"}}),
        ),
        (
            "/automation/v4/actions/callbacks/complete",
            json!({"inputs": [{"outputFields": {}}]}),
        ),
        (
            "/automation/v4/actions/callbacks/complete",
            json!({"inputs": []}),
        ),
    ];
    for (path, body) in refused {
        assert_error(
            &api.call("POST", path, Some(body)).await,
            400,
            "VALIDATION_ERROR",
        );
    }
    assert_eq!(
        api.call(
            "POST",
            "/automation/actions/callbacks/2019-01/ap-5/complete",
            Some(done)
        )
        .await
        .0,
        404
    );
    assert_eq!(
        api.sim.with_state(|s| s.callbacks.len()),
        4,
        "refusals record nothing"
    );
}

type Seen = Arc<Mutex<Vec<(String, String, Value, String)>>>;

/// Our side, faked: answers the queued statuses (with `Retry-After` on 429s), then 200; records what came.
async fn our_endpoint(answers: Vec<u16>, hang_first: bool) -> (String, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let queue = Arc::new(Mutex::new(answers));
    let app = axum::Router::new().fallback(move |req: Request| {
        let (log, queue) = (log.clone(), queue.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body =
                String::from_utf8(axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec())
                    .unwrap();
            let headers: Value = parts
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap())))
                .collect::<serde_json::Map<_, _>>()
                .into();
            let n = {
                let mut log = log.lock().unwrap();
                log.push((
                    parts.method.to_string(),
                    parts.uri.to_string(),
                    headers,
                    body,
                ));
                log.len()
            };
            if hang_first && n == 1 {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            let status = {
                let mut q = queue.lock().unwrap();
                if q.is_empty() {
                    200
                } else {
                    q.remove(0)
                }
            };
            let code = axum::http::StatusCode::from_u16(status).unwrap();
            let res: Response = if status == 429 {
                (code, [("retry-after", "30")], "slow down").into_response()
            } else {
                (
                    code,
                    axum::Json(json!({"outputFields": {"hs_execution_state": "SUCCESS"}})),
                )
                    .into_response()
            };
            res
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn card_fetches_carry_hubspots_parameters_and_a_valid_v3_signature() {
    let caller = HubSpotCaller::new(CLIENT_SECRET, 62515);
    let (url, seen) = our_endpoint(vec![], false).await;
    let sent = caller
        .fetch(
            "POST",
            &format!("{url}/card/deal?dealId=401"),
            Some(&json!({"objectId": 401})),
        )
        .await
        .unwrap();
    assert_eq!((sent.status, sent.attempts), (200, 1));
    let (method, uri, headers, body) = seen.lock().unwrap()[0].clone();
    assert_eq!(method, "POST");
    assert_eq!(
        uri,
        "/card/deal?dealId=401&userId=7&portalId=62515&userEmail=jane%40example.com&appId=54321"
    );
    assert_eq!(body, r#"{"objectId":401}"#);
    assert_eq!(headers["content-type"], "application/json");
    let ts = headers["x-hubspot-request-timestamp"].as_str().unwrap();
    let ms: i64 = ts.parse().unwrap();
    assert!(
        (chrono::Utc::now().timestamp_millis() - ms).abs() < 5_000,
        "milliseconds since the epoch"
    );
    // Signed over the URL with `%40` decoded: an independent computation must agree.
    let decoded = format!("{url}{uri}").replace("%40", "@");
    assert_eq!(
        headers["x-hubspot-signature-v3"],
        signature_v3(CLIENT_SECRET, "POST", &decoded, &body, ts)
    );
    assert!(
        headers.get("x-hubspot-signature").is_none(),
        "cards sign v3 only"
    );
}

#[tokio::test]
async fn card_fetches_retry_once_on_5xx_but_not_on_4xx_or_timeouts() {
    let caller = HubSpotCaller::new(CLIENT_SECRET, 62515);
    let (url, seen) = our_endpoint(vec![503, 503], false).await;
    let sent = caller
        .fetch("GET", &format!("{url}/card"), None)
        .await
        .unwrap();
    assert_eq!(
        (sent.status, sent.attempts),
        (503, 2),
        "one retry, then the error stands"
    );
    assert_eq!(seen.lock().unwrap()[1].3, "", "GET bodies are empty");
    let (url, _) = our_endpoint(vec![404], false).await;
    assert_eq!(
        caller
            .fetch("GET", &format!("{url}/card"), None)
            .await
            .unwrap()
            .attempts,
        1
    );
    let mut quick = caller.clone();
    quick.timeout = Duration::from_millis(300);
    let (url, seen) = our_endpoint(vec![], true).await;
    assert!(quick
        .fetch("GET", &format!("{url}/card"), None)
        .await
        .unwrap_err()
        .is_timeout());
    assert_eq!(seen.lock().unwrap().len(), 1);
    let dead = "http://127.0.0.1:9/card";
    assert!(caller
        .fetch("GET", dead, None)
        .await
        .unwrap_err()
        .is_connect());
}

#[tokio::test]
async fn action_executions_send_the_documented_body_signed_v3_and_v2() {
    let caller = HubSpotCaller::new(CLIENT_SECRET, 62515);
    let (url, seen) = our_endpoint(vec![], false).await;
    let execution = ActionExecution::new(62515, "DEAL", 401, json!({"documentType": "invoice"}));
    let sent = caller
        .execute(&format!("{url}/actions/create-invoice"), &execution)
        .await
        .unwrap();
    assert_eq!(sent.json()["outputFields"]["hs_execution_state"], "SUCCESS");
    let (_, uri, headers, body) = seen.lock().unwrap()[0].clone();
    let sent_body: Value = serde_json::from_str(&body).unwrap();
    assert!(sent_body["callbackId"]
        .as_str()
        .unwrap()
        .starts_with("ap-62515-"));
    assert_eq!(sent_body["origin"]["portalId"], 62515);
    assert!(
        sent_body["origin"]["actionDefinitionId"].is_u64()
            && sent_body["origin"]["actionDefinitionVersion"].is_u64()
    );
    assert_eq!(sent_body["object"]["objectId"], 401);
    assert_eq!(sent_body["object"]["objectType"], "DEAL");
    assert_eq!(sent_body["inputFields"]["documentType"], "invoice");
    let full = format!("{url}{uri}");
    let ts = headers["x-hubspot-request-timestamp"].as_str().unwrap();
    assert_eq!(
        headers["x-hubspot-signature-v3"],
        signature_v3(CLIENT_SECRET, "POST", &full, &body, ts)
    );
    assert_eq!(
        headers["x-hubspot-signature"],
        signature_v2(CLIENT_SECRET, "POST", &full, &body)
    );
    assert_eq!(headers["x-hubspot-signature-version"], "v2");
    assert_ne!(
        ActionExecution::new(62515, "DEAL", 401, json!({})).callback_id,
        execution.callback_id
    );
}

#[tokio::test]
async fn action_executions_retry_5xx_429_and_timeouts_but_not_4xx() {
    let mut caller = HubSpotCaller::new(CLIENT_SECRET, 62515);
    let execution = ActionExecution::new(62515, "DEAL", 401, json!({}));
    let (url, seen) = our_endpoint(vec![500, 503, 502], false).await;
    let sent = caller.execute(&url, &execution).await.unwrap();
    assert_eq!((sent.status, sent.attempts), (200, 4));
    let bodies: Vec<String> = seen.lock().unwrap().iter().map(|s| s.3.clone()).collect();
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "the same callbackId every time"
    );

    let (url, _) = our_endpoint(vec![503; 10], false).await;
    assert_eq!(
        caller.execute(&url, &execution).await.unwrap().attempts,
        4,
        "bounded by action_retries"
    );
    let (url, _) = our_endpoint(vec![400], false).await;
    let sent = caller.execute(&url, &execution).await.unwrap();
    assert_eq!(
        (sent.status, sent.attempts),
        (400, 1),
        "a 4xx fails the action"
    );

    caller.retry_after_unit = Duration::from_millis(10);
    let (url, _) = our_endpoint(vec![429], false).await;
    let started = std::time::Instant::now();
    let sent = caller.execute(&url, &execution).await.unwrap();
    assert_eq!((sent.status, sent.attempts), (200, 2));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "Retry-After 30 × 10 ms was honoured"
    );

    caller.timeout = Duration::from_millis(300);
    let (url, seen) = our_endpoint(vec![], true).await;
    assert_eq!(caller.execute(&url, &execution).await.unwrap().attempts, 2);
    assert_eq!(seen.lock().unwrap().len(), 2, "a timeout is retried");
}

#[tokio::test]
async fn the_hubspot_call_binary_sends_signed_requests() {
    let (url, seen) = our_endpoint(vec![], false).await;
    // Async, so the fake endpoint on this test's runtime can answer while the binary waits.
    let run = |args: Vec<String>| async move {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_hubspot-call"))
            .args(args)
            .output()
            .await
            .unwrap()
    };
    let common = ["--portal", "62515", "--secret", CLIENT_SECRET].map(String::from);
    let out = run([
        vec!["fetch".into(), "GET".into(), format!("{url}/card")],
        common.to_vec(),
    ]
    .concat())
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP 200"));
    let out = run([
        vec![
            "action".into(),
            format!("{url}/act"),
            "--object".into(),
            "DEAL:401".into(),
            "--inputs".into(),
            "{\"a\":1}".into(),
        ],
        common.to_vec(),
    ]
    .concat())
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen[0].1.contains("portalId=62515") && seen[0].2.get("x-hubspot-signature-v3").is_some()
    );
    let action: Value = serde_json::from_str(&seen[1].3).unwrap();
    assert_eq!(
        (
            action["object"]["objectId"].as_u64(),
            action["inputFields"]["a"].as_u64()
        ),
        (Some(401), Some(1))
    );
    assert!(!run(vec!["nonsense".into()]).await.status.success());
}

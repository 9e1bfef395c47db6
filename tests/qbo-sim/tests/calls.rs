//! The request log counted by kind, from Rust and from the control API, and generating a company through
//! the control API (issue 12: the sync's tests and the bench count QuickBooks calls).

mod common;

use common::{Company, US};
use qbo_sim::{Calls, QboSim, Seed, GENERATED_REALM};
use serde_json::{json, Value};

async fn calls_over_http(sim: &QboSim, realm: Option<&str>) -> Value {
    let url = match realm {
        Some(r) => format!("{}/_sim/calls?realm={r}", sim.base_url()),
        None => format!("{}/_sim/calls", sim.base_url()),
    };
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn calls_are_counted_by_kind_and_by_company() {
    let us = Company::unthrottled(US).await;
    us.query("SELECT * FROM Customer").await;
    us.get("query?query=SELECT%20*%20FROM%20Item").await;
    us.get("cdc?entities=Invoice&changedSince=2026-11-20").await;
    us.get("customer/58").await;
    us.get("companyinfo/9130357766900011").await;
    us.post("customer", json!({"DisplayName": "Counted"})).await;
    us.post(
        "batch",
        json!({"BatchItemRequest": [{"bId": "1", "Query": "SELECT * FROM Term"}]}),
    )
    .await;
    reqwest::Client::new()
        .post(format!("{}/oauth2/v1/tokens/bearer", us.sim.base_url()))
        .send()
        .await
        .unwrap();
    let want = Calls {
        query: 2,
        cdc: 1,
        read: 2,
        write: 1,
        batch: 1,
        oauth: 0,
        other: 0,
    };
    assert_eq!(us.sim.calls(Some(US)), want);
    assert_eq!(
        us.sim.calls(None),
        Calls { oauth: 1, ..want },
        "OAuth calls name no company"
    );
    assert_eq!(us.sim.calls(Some("9130357766900022")), Calls::default());
    assert_eq!(
        calls_over_http(&us.sim, Some(US)).await,
        serde_json::to_value(want).unwrap()
    );
    assert_eq!(calls_over_http(&us.sim, None).await["oauth"], 1);
}

#[tokio::test]
async fn throttled_calls_are_counted_too() {
    let us = Company::start(US).await;
    us.sim.with_state(|s| s.limits.per_minute = 5);
    let mut refused = 0;
    for _ in 0..12 {
        refused += usize::from(us.get("customer/58").await.status() == 429);
    }
    assert_eq!(refused, 7);
    assert_eq!(
        us.sim.calls(Some(US)).read,
        12,
        "the log holds what was sent, 429s included"
    );
}

#[tokio::test]
async fn a_company_is_generated_through_the_control_api_and_reset_builds_it_again() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let post = |path: &'static str, body: Value| {
        let url = format!("{}/_sim/{path}", sim.base_url());
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        post(
            "generate",
            json!({"customers": 30, "items": 5, "invoices": 80})
        )
        .await,
        204
    );
    let company = Company {
        token: sim.issue_access_token(GENERATED_REALM),
        sim,
        realm: GENERATED_REALM,
    };
    let (status, body) = company
        .query("SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)")
        .await;
    assert_eq!(
        (status, &body["QueryResponse"]["totalCount"]),
        (200, &json!(30))
    );
    assert!(
        company.sim.with_state(|s| s.companies.contains_key(US)),
        "the demo companies stay"
    );
    let before = company
        .sim
        .with_state(|s| serde_json::to_string(&s.snapshot().companies).unwrap());
    company
        .post("customer", json!({"DisplayName": "Gone after reset"}))
        .await;
    company.control("reset", json!({})).await;
    let after = company
        .sim
        .with_state(|s| serde_json::to_string(&s.snapshot().companies).unwrap());
    assert_eq!(before, after, "reset generates the same company again");

    let post = |path: &'static str, body: Value| {
        let url = format!("{}/_sim/{path}", company.sim.base_url());
        async move {
            let res = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (status, _) = post("seed", json!({"generate": {"invoices": 10}})).await;
    assert_eq!(status, 204, "a seed can carry the spec");
    assert!(company.sim.with_state(|s| s.companies.len() == 1));
    let (status, body) = post("generate", json!({"customers": 0, "invoices": 10})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("at least one customer"), "{body}");
    let (status, _) = post("generate", json!({"invoice": 10})).await;
    assert!(
        (400..500).contains(&status),
        "a misspelt field is refused, not ignored"
    );
    let (status, _) = post("seed", json!({"customers": 10})).await;
    assert!(
        (400..500).contains(&status),
        "a spec is not a seed: refused, not an empty seed"
    );
}

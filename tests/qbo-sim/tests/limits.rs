//! Per-company rate limits, on by default: 10 requests a second and 500 a minute, then 429 with the XML
//! throttle fault even to JSON clients (quickbooks-api.md §8).

mod common;

use common::{Company, UK, US};
use serde_json::json;

async fn statuses(company: &Company, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(company.get("preferences").await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn the_eleventh_request_in_a_second_gets_the_xml_throttle_fault() {
    let us = Company::start(US).await;
    let mut seen = statuses(&us, 10).await;
    let res = us.get("preferences").await;
    seen.push(res.status().as_u16());
    if res.status() == 429 {
        assert_eq!(res.headers()["content-type"], "application/xml");
        assert!(res.headers().contains_key("intuit_tid"));
        let body = res.text().await.unwrap();
        assert!(
            body.contains(r#"<Fault type="SERVICE"><Error code="3001">"#),
            "{body}"
        );
        assert!(body.contains("statusCode=429"), "{body}");
    }
    assert_eq!(seen.iter().filter(|s| **s == 429).count(), 1, "{seen:?}");
    assert_eq!(seen.last(), Some(&429), "{seen:?}");

    let uk = Company {
        sim: us.sim,
        realm: UK,
        token: String::new(),
    };
    let token = uk.sim.issue_access_token(UK);
    let uk = Company { token, ..uk };
    assert_eq!(
        uk.get("preferences").await.status(),
        200,
        "limits are per company"
    );
}

#[tokio::test]
async fn five_hundred_a_minute_then_429_until_the_minute_has_passed() {
    let us = Company::start(US).await;
    for _ in 0..50 {
        assert!(statuses(&us, 10).await.iter().all(|s| *s == 200));
        // Ten a second is allowed; a simulated second later, ten more.
        us.control("clock", json!({"advance_seconds": 1})).await;
    }
    assert_eq!(
        us.get("preferences").await.status(),
        429,
        "the 501st in a minute"
    );
    us.control("clock", json!({"advance_seconds": 60})).await;
    assert_eq!(us.get("preferences").await.status(), 200, "a minute later");
}

#[tokio::test]
async fn limits_can_be_tuned_or_turned_off() {
    let us = Company::start(US).await;
    us.control("settings", json!({"per_second": 100, "per_minute": 3}))
        .await;
    assert_eq!(statuses(&us, 4).await, [200, 200, 200, 429]);
    us.control("settings", json!({"rate_limits": false})).await;
    assert!(statuses(&us, 30).await.iter().all(|s| *s == 200));
}

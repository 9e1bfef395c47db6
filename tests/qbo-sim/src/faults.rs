//! Around every simulated call: the request log, injected faults, the per-company rate limits
//! (quickbooks-api.md §8: 10/s and 500/min per realm, answered 429 with the XML `Fault`), and `intuit_tid`.

use crate::state::{FaultKind, LoggedRequest};
use crate::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

const THROTTLE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-22T10:00:00.000-08:00"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>"#;

pub async fn middleware(State(sim): State<Shared>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/_sim/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
    let path = parts.uri.path().to_string();
    let method = parts.method.to_string();
    let fault = {
        let mut sim = sim.lock().expect("sim lock");
        sim.log.push(LoggedRequest {
            method: method.clone(),
            path: path.clone(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        });
        let rule = sim.faults.iter_mut().find(|r| {
            r.count > 0
                && path.contains(&r.path_contains)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&method))
        });
        rule.map(|r| {
            r.count -= 1;
            (r.kind.clone(), r.delay_ms)
        })
    };
    if let Some((_, delay_ms)) = &fault {
        tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
    }
    if let Some(throttled) = throttle(&sim, &path) {
        return throttled;
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    let mut res = match fault.map(|(k, _)| k) {
        Some(FaultKind::Status { status, body }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
        )
            .into_response(),
        Some(FaultKind::MalformedJson) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"QueryResponse\": {\"Invoice\": [",
        )
            .into_response(),
        Some(FaultKind::Timeout) => {
            let _ = next.run(req).await;
            std::future::pending::<()>().await;
            unreachable!("a pending future never completes")
        }
        Some(FaultKind::Truncated) => {
            let (parts, body) = next.run(req).await.into_parts();
            let full = to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
            let mut parts = parts;
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(full.slice(..full.len() / 2)))
        }
        None => next.run(req).await,
    };
    let tid = format!("1-{}", uuid::Uuid::new_v4().simple());
    res.headers_mut()
        .insert("intuit_tid", HeaderValue::from_str(&tid).expect("ascii"));
    res
}

/// The realm a path addresses, if it is a company API call.
fn realm_of(path: &str) -> Option<&str> {
    path.strip_prefix("/v3/company/")?.split('/').next()
}

fn throttle(sim: &Shared, path: &str) -> Option<Response> {
    let realm = realm_of(path)?;
    let mut sim = sim.lock().expect("sim lock");
    if !sim.rate_limits {
        return None;
    }
    let company = sim.companies.get_mut(realm)?;
    let now = Instant::now();
    while company
        .recent
        .front()
        .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
    {
        company.recent.pop_front();
    }
    let last_second = company
        .recent
        .iter()
        .rev()
        .take_while(|t| now.duration_since(**t) < Duration::from_secs(1))
        .count();
    if last_second >= 10 || company.recent.len() >= 500 {
        // Real QuickBooks sends this XML even to JSON clients.
        return Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("content-type", "application/xml")],
                THROTTLE_XML,
            )
                .into_response(),
        );
    }
    company.recent.push_back(now);
    None
}

//! Around every simulated call: the request log, faults injected by path, and the simulator's rate limit.

use crate::{LoggedRequest, Shared, Simulated};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const MAX_BODY: usize = 16 * 1024 * 1024;

/// A fault to inject on matching requests.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct FaultRule {
    /// Matches when the request path contains this text.
    pub path_contains: String,
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
    /// How many matching requests get the fault (then the rule is spent).
    #[serde(default = "one")]
    pub count: u32,
    /// How many matching requests pass untouched first (e.g. to fail only the fifth write of a run).
    #[serde(default)]
    pub skip: u32,
    /// Added before answering (any kind).
    #[serde(default)]
    pub delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status and body instead of the real handler.
    Status {
        status: u16,
        body: String,
        #[serde(default)]
        content_type: Option<String>,
    },
    /// Let the real handler run, then never answer (the client times out).
    Timeout,
    /// Answer 200 with a body that is not JSON.
    MalformedJson,
    /// Run the real handler, then cut its body in half.
    Truncated,
    /// Run the real handler, then answer 504 as a gateway does when the service's answer never reached it:
    /// the write happened, the caller cannot know (a crash between a write and what follows it).
    AnswerLost,
    /// Run the real handler after `delay_ms` and answer as it does: a slow service (e.g. to let a second
    /// writer overtake the first).
    Slow,
}

pub async fn middleware<S: Simulated>(
    State(sim): State<Shared<S>>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/_sim/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let path = parts.uri.path().to_string();
    let method = parts.method.to_string();
    let (fault, throttled) = {
        let mut sim = crate::lock(&sim);
        let rec = sim.recorder();
        rec.log.push(LoggedRequest {
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
        let fault = rec
            .faults
            .iter_mut()
            .find(|r| {
                r.count > 0
                    && path.contains(&r.path_contains)
                    && r.method
                        .as_deref()
                        .is_none_or(|m| m.eq_ignore_ascii_case(&method))
            })
            .and_then(|r| {
                if r.skip > 0 {
                    r.skip -= 1;
                    return None;
                }
                r.count -= 1;
                Some((r.kind.clone(), r.delay_ms))
            });
        (fault, sim.throttle(&path))
    };
    if let Some((_, delay_ms)) = &fault {
        tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
    }
    if let Some(throttled) = throttled {
        return throttled;
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    match fault.map(|(k, _)| k) {
        Some(FaultKind::Status {
            status,
            body,
            content_type,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let content_type = content_type.unwrap_or_else(|| "application/json".into());
            (status, [("content-type", content_type)], body).into_response()
        }
        Some(FaultKind::MalformedJson) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"results\": [",
        )
            .into_response(),
        Some(FaultKind::Timeout) => {
            let _ = next.run(req).await;
            std::future::pending::<Response>().await
        }
        Some(FaultKind::Truncated) => {
            let (mut parts, body) = next.run(req).await.into_parts();
            let full = to_bytes(body, MAX_BODY).await.unwrap_or_default();
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(full.slice(..full.len() / 2)))
        }
        Some(FaultKind::AnswerLost) => {
            let _ = next.run(req).await;
            (
                StatusCode::GATEWAY_TIMEOUT,
                [("content-type", "text/html")],
                "<html><body><h1>504 Gateway Time-out</h1></body></html>",
            )
                .into_response()
        }
        Some(FaultKind::Slow) | None => next.run(req).await,
    }
}

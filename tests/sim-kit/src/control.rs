//! The control API both simulators share: reset, the request log, faults, the clock.

use crate::{FaultRule, Shared, Simulated};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

pub fn routes<S: Simulated>() -> axum::Router<Shared<S>> {
    axum::Router::new()
        .route("/_sim/reset", post(reset::<S>))
        .route(
            "/_sim/requests",
            get(requests::<S>).delete(clear_requests::<S>),
        )
        .route(
            "/_sim/faults",
            post(add_fault::<S>).delete(clear_faults::<S>),
        )
        .route("/_sim/clock", post(clock::<S>))
}

async fn reset<S: Simulated>(State(sim): State<Shared<S>>) -> StatusCode {
    crate::lock(&sim).reset();
    StatusCode::NO_CONTENT
}

async fn requests<S: Simulated>(State(sim): State<Shared<S>>) -> Response {
    Json(json!({ "requests": crate::lock(&sim).recorder().log })).into_response()
}

async fn clear_requests<S: Simulated>(State(sim): State<Shared<S>>) -> StatusCode {
    crate::lock(&sim).recorder().log.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault<S: Simulated>(
    State(sim): State<Shared<S>>,
    Json(rule): Json<FaultRule>,
) -> StatusCode {
    crate::lock(&sim).recorder().faults.push(rule);
    StatusCode::NO_CONTENT
}

async fn clear_faults<S: Simulated>(State(sim): State<Shared<S>>) -> StatusCode {
    crate::lock(&sim).recorder().faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Advance {
    advance_seconds: i64,
}

/// Moves the simulated clock forward (token expiry, overdue invoices, CDC windows). A move beyond the
/// calendar's range is refused, never wrapped.
async fn clock<S: Simulated>(State(sim): State<Shared<S>>, Json(a): Json<Advance>) -> Response {
    let mut sim = crate::lock(&sim);
    let rec = sim.recorder();
    let offset = Duration::try_seconds(a.advance_seconds)
        .and_then(|by| rec.clock_offset.checked_add(&by))
        .filter(|offset| chrono::Utc::now().checked_add_signed(*offset).is_some());
    let Some(offset) = offset else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "advance_seconds moves the clock out of range" })),
        )
            .into_response();
    };
    rec.clock_offset = offset;
    Json(json!({ "now": rec.now() })).into_response()
}

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
    sim.lock().expect("sim lock").reset();
    StatusCode::NO_CONTENT
}

async fn requests<S: Simulated>(State(sim): State<Shared<S>>) -> Response {
    Json(json!({ "requests": sim.lock().expect("sim lock").recorder().log })).into_response()
}

async fn clear_requests<S: Simulated>(State(sim): State<Shared<S>>) -> StatusCode {
    sim.lock().expect("sim lock").recorder().log.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault<S: Simulated>(
    State(sim): State<Shared<S>>,
    Json(rule): Json<FaultRule>,
) -> StatusCode {
    sim.lock().expect("sim lock").recorder().faults.push(rule);
    StatusCode::NO_CONTENT
}

async fn clear_faults<S: Simulated>(State(sim): State<Shared<S>>) -> StatusCode {
    sim.lock().expect("sim lock").recorder().faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Advance {
    advance_seconds: i64,
}

/// Moves the simulated clock forward (token expiry, overdue invoices, CDC windows).
async fn clock<S: Simulated>(State(sim): State<Shared<S>>, Json(a): Json<Advance>) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    let rec = sim.recorder();
    rec.clock_offset += Duration::seconds(a.advance_seconds);
    Json(json!({ "now": rec.now() })).into_response()
}

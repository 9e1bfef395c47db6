//! The control API under `/_sim/` (never logged, never faulted, never throttled).

use crate::state::{FaultRule, Seed};
use crate::Shared;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> axum::Router<Shared> {
    axum::Router::new()
        .route("/_sim/reset", post(reset))
        .route("/_sim/seed", post(seed))
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/faults", post(add_fault).delete(clear_faults))
        .route("/_sim/clock", post(clock))
        .route("/_sim/consent", post(consent))
        .route("/_sim/settings", post(settings))
}

/// Back to the seed the simulator was last given.
async fn reset(State(sim): State<Shared>) -> StatusCode {
    let mut sim = sim.lock().expect("sim lock");
    let seed = sim.seed.clone();
    sim.load(seed);
    StatusCode::NO_CONTENT
}

async fn seed(State(sim): State<Shared>, Json(seed): Json<Seed>) -> StatusCode {
    sim.lock().expect("sim lock").load(seed);
    StatusCode::NO_CONTENT
}

async fn requests(State(sim): State<Shared>) -> Response {
    Json(json!({ "requests": sim.lock().expect("sim lock").log })).into_response()
}

async fn clear_requests(State(sim): State<Shared>) -> StatusCode {
    sim.lock().expect("sim lock").log.clear();
    StatusCode::NO_CONTENT
}

async fn add_fault(State(sim): State<Shared>, Json(rule): Json<FaultRule>) -> StatusCode {
    sim.lock().expect("sim lock").faults.push(rule);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(sim): State<Shared>) -> StatusCode {
    sim.lock().expect("sim lock").faults.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Advance {
    advance_seconds: i64,
}

/// Moves the simulated clock forward (token expiry, overdue invoices, CDC windows).
async fn clock(State(sim): State<Shared>, Json(a): Json<Advance>) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    sim.clock_offset += Duration::seconds(a.advance_seconds);
    Json(json!({ "now": sim.now() })).into_response()
}

#[derive(Deserialize)]
struct Consent {
    #[serde(default)]
    realm_id: Option<String>,
    #[serde(default)]
    deny: bool,
}

/// What the next consent screens answer: which company, or a refusal.
async fn consent(State(sim): State<Shared>, Json(c): Json<Consent>) -> StatusCode {
    let mut sim = sim.lock().expect("sim lock");
    sim.consent_realm = c.realm_id;
    sim.consent_denied = c.deny;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Settings {
    rotation_age_seconds: Option<i64>,
    rate_limits: Option<bool>,
}

async fn settings(State(sim): State<Shared>, Json(s): Json<Settings>) -> StatusCode {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(age) = s.rotation_age_seconds {
        sim.rotation_age = Duration::seconds(age);
    }
    if let Some(on) = s.rate_limits {
        sim.rate_limits = on;
    }
    StatusCode::NO_CONTENT
}

//! The HubSpot simulator's own control routes under `/_sim/` (sim-kit adds reset, the request log, faults and
//! the clock): replace the seed, decline consent, tune the rate limits, mint a token, read the state and the
//! calls counted by kind.

use crate::calls::CallCounts;
use crate::limits::LimitSettings;
use crate::state::{Seed, Sim, ACCESS_TTL_S};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sim_kit::Shared;
use std::collections::BTreeMap;

pub fn routes() -> axum::Router<Shared<Sim>> {
    axum::Router::new()
        .route("/_sim/seed", post(seed))
        .route("/_sim/consent", post(consent))
        .route("/_sim/limits", get(limits).post(set_limits))
        .route("/_sim/tokens", post(mint_token))
        .route("/_sim/state", get(state))
        .route("/_sim/calls", get(calls))
}

/// The request log counted by kind of call (`CallCounts`), for callers outside the process.
async fn calls(State(sim): State<Shared<Sim>>) -> Json<CallCounts> {
    Json(CallCounts::of(&sim.lock().expect("sim lock").recorder.log))
}

/// Replaces the portal and its records with a new seed (which later resets return to).
async fn seed(State(sim): State<Shared<Sim>>, Json(seed): Json<Seed>) -> StatusCode {
    *sim.lock().expect("sim lock") = Sim::new(seed);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Consent {
    #[serde(default)]
    deny: bool,
}

/// Whether the next consent screens decline.
async fn consent(State(sim): State<Shared<Sim>>, Json(c): Json<Consent>) -> StatusCode {
    sim.lock().expect("sim lock").consent_denied = c.deny;
    StatusCode::NO_CONTENT
}

async fn limits(State(sim): State<Shared<Sim>>) -> Json<LimitSettings> {
    Json(sim.lock().expect("sim lock").limits.settings.clone())
}

/// New limit settings (missing fields take the documented defaults); the counters start afresh.
async fn set_limits(
    State(sim): State<Shared<Sim>>,
    Json(settings): Json<LimitSettings>,
) -> Json<LimitSettings> {
    sim.lock().expect("sim lock").limits.set(settings.clone());
    Json(settings)
}

#[derive(Deserialize)]
struct Mint {
    /// The scopes the token grants; all of them when absent.
    scopes: Option<Vec<String>>,
}

/// An access token as a finished install would hold, for callers outside the process (the local stack).
async fn mint_token(State(sim): State<Shared<Sim>>, Json(m): Json<Mint>) -> Response {
    let scopes = m.scopes.unwrap_or_else(crate::scopes::all);
    let token = sim.lock().expect("sim lock").issue_access(scopes.clone());
    Json(json!({"access_token": token, "expires_in": ACCESS_TTL_S, "scopes": scopes}))
        .into_response()
}

/// Records (archived ones included), associations, custom properties and completed callbacks.
async fn state(State(sim): State<Shared<Sim>>) -> Json<Value> {
    let sim = sim.lock().expect("sim lock");
    let custom: BTreeMap<&String, Vec<&Value>> = sim
        .properties
        .iter()
        .map(|(object, defs)| (object, defs.values().collect()))
        .collect();
    Json(json!({
        "portalId": sim.seed.portal_id,
        "now": sim.now(),
        "objects": sim.objects.iter().map(|(k, v)| (k, v.values().collect())).collect::<BTreeMap<_, Vec<_>>>(),
        "associations": sim.associations,
        "properties": custom,
        "callbacks": sim.callbacks,
    }))
}

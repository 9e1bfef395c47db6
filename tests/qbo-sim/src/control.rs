//! The QuickBooks-specific control API (the shared part, `/_sim/reset`, `/_sim/requests`, `/_sim/faults`
//! and `/_sim/clock`, comes from `sim_kit`): seed and state, consent, settings.

use crate::calls::Calls;
use crate::generate::Generate;
use crate::state::{Seed, Sim};
use crate::webhooks::{Attempt, Endpoint};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Duration;
use serde::Deserialize;
use sim_kit::Shared;

pub fn routes() -> axum::Router<Shared<Sim>> {
    axum::Router::new()
        .route("/_sim/seed", post(seed))
        .route("/_sim/state", get(state))
        .route("/_sim/consent", post(consent))
        .route("/_sim/settings", post(settings))
        .route("/_sim/revoke", post(revoke))
        .route("/_sim/generate", post(generate))
        .route("/_sim/calls", get(calls))
        .route(
            "/_sim/webhooks",
            get(webhooks).post(set_webhooks).delete(stop_webhooks),
        )
        .route("/_sim/merge", post(merge))
        .merge(sim_kit::control_routes::<Sim>())
}

/// Replaces the companies (and everything else: grants, log, faults, clock) with a new seed.
async fn seed(State(sim): State<Shared<Sim>>, Json(seed): Json<Seed>) -> Response {
    restart(&sim, seed)
}

/// The current seed plus a generated company (replacing any generated before), started afresh like a
/// new seed.
async fn generate(State(sim): State<Shared<Sim>>, Json(spec): Json<Generate>) -> Response {
    let seed = Seed {
        generate: Some(spec),
        ..sim_kit::lock(&sim).seed.clone()
    };
    restart(&sim, seed)
}

fn restart(sim: &Shared<Sim>, seed: Seed) -> Response {
    match Sim::new(seed) {
        Ok(fresh) => {
            sim_kit::lock(sim).restart(fresh);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": e })),
        )
            .into_response(),
    }
}

/// The live data in the shape of a seed, with the simulated `now`.
async fn state(State(sim): State<Shared<Sim>>) -> Json<Seed> {
    Json(sim_kit::lock(&sim).snapshot())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallsOf {
    realm: Option<String>,
}

/// The request log counted by kind (`query`, `cdc`, `read`, `write`, `batch`, `oauth`, `other`); with
/// `?realm=`, one company's calls.
async fn calls(State(sim): State<Shared<Sim>>, Query(of): Query<CallsOf>) -> Json<Calls> {
    let sim = sim_kit::lock(&sim);
    Json(Calls::count(&sim.recorder.log, of.realm.as_deref()))
}

#[derive(Deserialize)]
struct Consent {
    #[serde(default)]
    realm_id: Option<String>,
    #[serde(default)]
    deny: bool,
}

/// What the next consent screens answer: which company, or a refusal.
async fn consent(State(sim): State<Shared<Sim>>, Json(c): Json<Consent>) -> StatusCode {
    let mut sim = sim_kit::lock(&sim);
    sim.consent_realm = c.realm_id;
    sim.consent_denied = c.deny;
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    rotation_age_seconds: Option<i64>,
    rate_limits: Option<bool>,
    per_second: Option<usize>,
    per_minute: Option<usize>,
}

async fn settings(State(sim): State<Shared<Sim>>, Json(s): Json<Settings>) -> StatusCode {
    let mut sim = sim_kit::lock(&sim);
    if let Some(age) = s.rotation_age_seconds {
        let Some(age) = Duration::try_seconds(age) else {
            return StatusCode::BAD_REQUEST;
        };
        sim.rotation_age = age;
    }
    let limits = &mut sim.limits;
    limits.enabled = s.rate_limits.unwrap_or(limits.enabled);
    limits.per_second = s.per_second.unwrap_or(limits.per_second);
    limits.per_minute = s.per_minute.unwrap_or(limits.per_minute);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Revoke {
    realm_id: String,
    #[serde(default)]
    refresh_tokens: bool,
}

/// Kills a company's access tokens before their hour is up, as Intuit may (a disconnect in QuickBooks, a
/// security event); with `refresh_tokens` its grants too, so that only a reconnect helps.
async fn revoke(State(sim): State<Shared<Sim>>, Json(r): Json<Revoke>) -> StatusCode {
    let mut sim = sim_kit::lock(&sim);
    sim.access_tokens.retain(|_, a| a.realm_id != r.realm_id);
    if r.refresh_tokens {
        for grant in sim.grants.values_mut().filter(|g| g.realm_id == r.realm_id) {
            grant.revoked = true;
        }
    }
    StatusCode::NO_CONTENT
}

/// Where change notifications go from now on (see `webhooks.rs`); an endpoint that is not an http(s) URL
/// is refused.
async fn set_webhooks(
    State(sim): State<Shared<Sim>>,
    Json(endpoint): Json<Endpoint>,
) -> StatusCode {
    let url_ok =
        url::Url::parse(&endpoint.url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if !url_ok || endpoint.verifier.is_empty() {
        return StatusCode::BAD_REQUEST;
    }
    sim_kit::lock(&sim).webhooks.endpoint = Some(endpoint);
    StatusCode::NO_CONTENT
}

/// No more notifications (those gathering or queued are dropped).
async fn stop_webhooks(State(sim): State<Shared<Sim>>) -> StatusCode {
    sim_kit::lock(&sim).webhooks = Default::default();
    StatusCode::NO_CONTENT
}

#[derive(serde::Serialize)]
struct Webhooks {
    endpoint: Option<Endpoint>,
    undelivered: usize,
    attempts: Vec<Attempt>,
}

/// The endpoint, how many notifications wait, and every delivery attempt.
async fn webhooks(State(sim): State<Shared<Sim>>) -> Json<Webhooks> {
    let sim = sim_kit::lock(&sim);
    Json(Webhooks {
        endpoint: sim.webhooks.endpoint.clone(),
        undelivered: sim.undelivered_webhooks(),
        attempts: sim.webhooks.attempts.clone(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Merge {
    realm_id: String,
    from: String,
    into: String,
}

/// Merges two customers as a person does in QuickBooks' screens (the API has no merge).
async fn merge(State(sim): State<Shared<Sim>>, Json(m): Json<Merge>) -> Response {
    let mut sim = sim_kit::lock(&sim);
    let at = sim.moment(&m.realm_id);
    let Some(company) = sim.companies.get_mut(&m.realm_id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": "no such company"})),
        )
            .into_response();
    };
    match crate::writes::merge_customers(company, &m.from, &m.into, &at) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(fault) => fault.response(&at),
    }
}

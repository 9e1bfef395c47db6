//! Workflow action callback completion (hubspot-api.md §4 Asynchronous completion) on
//! `/automation/v4/actions/callbacks/…` and `/automation/actions/callbacks/{version}/…`: scope `automation`,
//! `outputFields` required, `hs_execution_state` (when given) SUCCESS or FAIL_CONTINUE; 204. Each completion
//! is recorded in `Sim::callbacks` for assertions.

use crate::auth::{self, Needs};
use crate::errors::{not_found, validation, JsonBody};
use crate::request::{version_known, Params};
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sim_kit::Shared;

/// Why a completion body is refused, if it is.
fn refusal(body: &Value) -> Option<String> {
    if !body["outputFields"].is_object() {
        return Some("outputFields is required".into());
    }
    match body["outputFields"].get("hs_execution_state") {
        None => None,
        Some(s) if s == "SUCCESS" || s == "FAIL_CONTINUE" => None,
        Some(s) => Some(format!(
            "hs_execution_state {s} cannot complete a callback (SUCCESS or FAIL_CONTINUE)"
        )),
    }
}

/// Records completions once the path, the token and every body check out.
fn complete_all(
    sim: &Shared<Sim>,
    p: &Params,
    headers: &HeaderMap,
    completions: Vec<(Value, Value)>,
) -> Response {
    if !version_known(p) {
        return not_found();
    }
    let mut sim = sim.lock().expect("sim lock");
    if let Err(e) = auth::check(&sim, headers, &Needs::scope("automation")) {
        return e;
    }
    if completions.is_empty() {
        return validation("inputs need callbackId and outputFields");
    }
    for (id, body) in &completions {
        if !id.is_string() {
            return validation("inputs need callbackId and outputFields");
        }
        if let Some(why) = refusal(body) {
            return validation(&why);
        }
    }
    for (id, body) in completions {
        sim.callbacks.push(json!({"callbackId": id, "body": body}));
    }
    StatusCode::NO_CONTENT.into_response()
}

pub async fn complete(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let id = json!(p.get("callback_id"));
    complete_all(&sim, &p, &headers, vec![(id, body)])
}

/// `POST …/callbacks/complete` with `{inputs: [{callbackId, outputFields}]}` (the v4 path has no parameters).
pub async fn complete_batch(
    State(sim): State<Shared<Sim>>,
    p: Option<Path<Params>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let completions = body["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| (i["callbackId"].clone(), i.clone()))
        .collect();
    let p = p.map(|Path(p)| p).unwrap_or_default();
    complete_all(&sim, &p, &headers, completions)
}

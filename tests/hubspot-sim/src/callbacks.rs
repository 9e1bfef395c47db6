//! Workflow action callback completion (hubspot-api.md §4, Asynchronous completion), recorded for assertions.

use crate::api::refusal;
use crate::state::{error, Sim};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;

fn valid(body: &Value) -> bool {
    body["outputFields"].is_object()
}

pub async fn complete(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, None) {
        return e;
    }
    if !valid(&body) {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "outputFields is required",
        );
    }
    sim.callbacks
        .push(json!({"callbackId": p.get("callback_id"), "body": body}));
    StatusCode::NO_CONTENT.into_response()
}

pub async fn complete_batch(
    State(sim): State<Shared<Sim>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, None) {
        return e;
    }
    let inputs = body["inputs"].as_array().cloned().unwrap_or_default();
    if inputs.is_empty()
        || inputs
            .iter()
            .any(|i| !valid(i) || !i["callbackId"].is_string())
    {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "inputs need callbackId and outputFields",
        );
    }
    for i in inputs {
        sim.callbacks
            .push(json!({"callbackId": i["callbackId"], "body": i}));
    }
    StatusCode::NO_CONTENT.into_response()
}

//! Associations v4 (hubspot-api.md §5): read, default and labelled create, batch read.

use crate::api::refusal;
use crate::crm::{link, OBJECTS};
use crate::state::{error, Sim};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;

fn check(sim: &Sim, headers: &HeaderMap, types: &[&str]) -> Option<Response> {
    refusal(sim, headers, None).or_else(|| {
        types.iter().find(|t| !OBJECTS.contains(t)).map(|t| {
            error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                &format!("Unable to infer object type from: {t}"),
            )
        })
    })
}

fn exists(sim: &Sim, object: &str, id: u64) -> bool {
    sim.objects.get(object).is_some_and(|r| r.contains_key(&id))
}

fn results(sim: &Sim, from: &str, id: u64, to: &str) -> Vec<Value> {
    let mut by_target: Vec<(u64, Vec<Value>)> = Vec::new();
    for a in sim
        .associations
        .iter()
        .filter(|a| a.from == from && a.from_id == id && a.to == to)
    {
        let t = json!({"category": a.category, "typeId": a.type_id, "label": Value::Null});
        match by_target.iter_mut().find(|(tid, _)| *tid == a.to_id) {
            Some((_, types)) => types.push(t),
            None => by_target.push((a.to_id, vec![t])),
        }
    }
    by_target
        .into_iter()
        .map(|(tid, types)| json!({"toObjectId": tid, "associationTypes": types}))
        .collect()
}

pub async fn read(
    State(sim): State<Shared<Sim>>,
    Path((from, id, to)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = check(&sim, &headers, &[&from, &to]) {
        return e;
    }
    let id: u64 = id.parse().unwrap_or(0);
    Json(json!({ "results": results(&sim, &from, id, &to) })).into_response()
}

pub async fn create_default(
    State(sim): State<Shared<Sim>>,
    Path((from, id, to, to_id)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    create(sim, from, id, to, to_id, headers, None).await
}

pub async fn create_labelled(
    State(sim): State<Shared<Sim>>,
    Path((from, id, to, to_id)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let type_id = body
        .as_array()
        .and_then(|a| a.first())
        .and_then(|t| t["associationTypeId"].as_u64());
    match type_id {
        Some(t) => create(sim, from, id, to, to_id, headers, Some(t as u32)).await,
        None => error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "expected [{associationCategory, associationTypeId}]",
        ),
    }
}

async fn create(
    sim: Shared<Sim>,
    from: String,
    id: String,
    to: String,
    to_id: String,
    headers: HeaderMap,
    type_id: Option<u32>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = check(&sim, &headers, &[&from, &to]) {
        return e;
    }
    let (Ok(id), Ok(to_id)) = (id.parse::<u64>(), to_id.parse::<u64>()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "ids must be numeric",
        );
    };
    if !exists(&sim, &from, id) || !exists(&sim, &to, to_id) {
        return error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            "one of the records does not exist",
        );
    }
    link(&mut sim, &from, id, &to, to_id, type_id);
    Json(json!({"status": "COMPLETE", "results": results(&sim, &from, id, &to)})).into_response()
}

pub async fn batch_read(
    State(sim): State<Shared<Sim>>,
    Path((from, to)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = check(&sim, &headers, &[&from, &to]) {
        return e;
    }
    let inputs = body["inputs"].as_array().cloned().unwrap_or_default();
    if inputs.len() > 1000 {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Batch read associations is limited to 1,000 inputs",
        );
    }
    let out: Vec<Value> = inputs
        .iter()
        .filter_map(|i| i["id"].as_str()?.parse::<u64>().ok())
        .map(|id| json!({"from": {"id": id.to_string()}, "to": results(&sim, &from, id, &to)}))
        .collect();
    Json(json!({"status": "COMPLETE", "results": out})).into_response()
}

/// `POST /crm/v4/associations/{from}/{to}/batch/create`: `{inputs: [{from: {id}, to: {id}, types: [...]}]}`,
/// at most 2,000 inputs; every record must exist or nothing is written.
pub async fn batch_create(
    State(sim): State<Shared<Sim>>,
    Path((from, to)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = check(&sim, &headers, &[&from, &to]) {
        return e;
    }
    let inputs = body["inputs"].as_array().cloned().unwrap_or_default();
    if inputs.is_empty() || inputs.len() > 2000 {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Batch create associations takes 1 to 2,000 inputs",
        );
    }
    let id = |v: &Value| v["id"].as_str().and_then(|s| s.parse::<u64>().ok());
    let mut pairs = Vec::new();
    for input in &inputs {
        let (Some(f), Some(t)) = (id(&input["from"]), id(&input["to"])) else {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "inputs need from.id and to.id",
            );
        };
        if !exists(&sim, &from, f) || !exists(&sim, &to, t) {
            return error(
                StatusCode::NOT_FOUND,
                "OBJECT_NOT_FOUND",
                &format!("{from} {f} or {to} {t} does not exist"),
            );
        }
        let type_id = input["types"][0]["associationTypeId"]
            .as_u64()
            .map(|t| t as u32);
        pairs.push((f, t, type_id));
    }
    for (f, t, type_id) in &pairs {
        link(&mut sim, &from, *f, &to, *t, *type_id);
    }
    let results: Vec<Value> = pairs
        .iter()
        .map(|(f, _, _)| json!({"fromObjectId": f, "toObjectTypeId": to, "to": results(&sim, &from, *f, &to)}))
        .collect();
    (
        StatusCode::CREATED,
        Json(json!({"status": "COMPLETE", "results": results})),
    )
        .into_response()
}

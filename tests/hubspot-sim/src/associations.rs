//! Associations v4 (hubspot-api.md §5 Associations v4) on `/crm/v4/…` and the date-versioned
//! `/crm/objects/{version}/…/associations/…` and `/crm/associations/{version}/…/batch/…`: read (at most 500
//! a page, `after` cursor, `paging.next.after` and `link`; highest target id first), default create
//! (200), labelled create (201), delete, batch read (1,000 inputs, each paged like a read; ids without
//! associations come back as errors with a 207), batch create (2,000), batch default create, batch archive. HUBSPOT_DEFINED type ids
//! only; every association is kept in both directions. A batch create whose inputs name records that do not
//! exist (deleted or merged meanwhile) makes the others and answers 207 with one error per missing record,
//! in the shape HubSpot's single create uses (`INVALID_OBJECT_IDS`); when none could be made it answers 404.

use crate::auth::{self, Needs};
use crate::catalog;
use crate::errors::{error, not_found, validation, JsonBody};
use crate::request::{object_type, query_value, version_known, Params};
use crate::state::Sim;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;
use std::sync::MutexGuard;

const BATCH_READ_MAX: usize = 1_000;
const BATCH_CREATE_MAX: usize = 2_000;

/// The locked state and the `from`/`to` types of the path, once version, types and token check out.
fn open<'a>(
    sim: &'a Shared<Sim>,
    p: &Params,
    headers: &HeaderMap,
    single_record: bool,
) -> Result<(MutexGuard<'a, Sim>, &'static str, &'static str), Response> {
    if !version_known(p) {
        return Err(not_found());
    }
    let (from, to) = (object_type(p, "object")?, object_type(p, "to")?);
    let sim = sim.lock().expect("sim lock");
    auth::check(&sim, headers, &Needs::associations(single_record))?;
    Ok((sim, from, to))
}

fn id_of(raw: Option<&String>) -> Result<u64, Response> {
    raw.and_then(|s| s.parse().ok())
        .ok_or_else(|| validation("object ids must be numeric"))
}

fn body_id(v: &Value) -> Option<u64> {
    v["id"].as_str()?.parse().ok()
}

fn missing(from: &str, id: u64, to: &str, to_id: u64) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        &format!("{from} {id} or {to} {to_id} does not exist"),
    )
}

/// The most associated records one read answers (the SPEC's `limit` default; larger limits are capped).
pub const PAGE_MAX: usize = 500;

/// The associated records of one record, grouped by target with every type between them, in the order
/// [`Sim::associations_of`] gives.
fn associated(sim: &Sim, from: &str, id: u64, to: &str) -> Vec<(u64, Value)> {
    let mut by_target: Vec<(u64, Vec<Value>)> = Vec::new();
    for a in sim.associations_of(from, id, to) {
        let label = catalog::type_label(from, to, a.type_id).flatten();
        let t = json!({"category": "HUBSPOT_DEFINED", "typeId": a.type_id, "label": label});
        match by_target.last_mut() {
            Some((tid, types)) if *tid == a.to_id => types.push(t),
            _ => by_target.push((a.to_id, vec![t])),
        }
    }
    by_target
        .into_iter()
        .map(|(tid, types)| (tid, json!({"toObjectId": tid, "associationTypes": types})))
        .collect()
}

/// One page of `rows` after the cursor `after` (the last target id of the previous page; opaque to
/// clients), and the cursor of the next page when more remain.
fn page(
    rows: Vec<(u64, Value)>,
    after: Option<&str>,
    limit: usize,
) -> Result<(Vec<Value>, Option<String>), Response> {
    let after: Option<u64> = match after {
        None => None,
        Some(raw) => Some(
            raw.parse()
                .map_err(|_| validation(&format!("invalid paging cursor: {raw}")))?,
        ),
    };
    let mut rest = rows
        .into_iter()
        .filter(|(tid, _)| after.is_none_or(|a| *tid < a))
        .peekable();
    let mut taken = Vec::new();
    let mut last = None;
    while taken.len() < limit {
        let Some((tid, row)) = rest.next() else { break };
        last = Some(tid);
        taken.push(row);
    }
    let next = match rest.peek() {
        Some(_) => last.map(|l| l.to_string()),
        None => None,
    };
    Ok((taken, next))
}

/// `limit`: 1 or more, at most [`PAGE_MAX`] per page (a larger one is capped); 500 when absent.
fn limit_of(raw: Option<&str>) -> Result<usize, Response> {
    match raw {
        None => Ok(PAGE_MAX),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|l| *l > 0)
            .map(|l| l.min(PAGE_MAX))
            .ok_or_else(|| validation(&format!("limit must be a positive number, not {raw}"))),
    }
}

/// What a labelled create answers (`LabelsBetweenObjectPair`).
fn labels_between(sim: &Sim, from: &str, id: u64, to: &str, to_id: u64) -> Value {
    let labels: Vec<&str> = sim
        .associations
        .iter()
        .filter(|a| a.from == from && a.from_id == id && a.to == to && a.to_id == to_id)
        .filter_map(|a| catalog::type_label(from, to, a.type_id).flatten())
        .collect();
    json!({"fromObjectTypeId": catalog::type_id(from), "fromObjectId": id.to_string(),
        "toObjectTypeId": catalog::type_id(to), "toObjectId": to_id.to_string(), "labels": labels})
}

/// What a default create answers (`PublicDefaultAssociation`).
fn default_result(from: &str, id: u64, to: &str, to_id: u64) -> Value {
    json!({"from": {"id": id.to_string()}, "to": {"id": to_id.to_string()},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED",
            "associationTypeId": catalog::default_type(from, to)}})
}

fn batch_answer(sim: &Sim, results: Vec<Value>) -> Value {
    let now = sim.now();
    json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now})
}

pub async fn read(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Vec<(String, String)>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (sim, from, to) = match open(&sim, &p, &headers, true) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let answer = id_of(p.get("id")).and_then(|id| {
        let limit = limit_of(query_value(&q, "limit"))?;
        page(
            associated(&sim, from, id, to),
            query_value(&q, "after"),
            limit,
        )
    });
    let (results, next) = match answer {
        Ok(answer) => answer,
        Err(e) => return e,
    };
    let mut body = json!({ "results": results });
    if let Some(after) = next {
        let link = format!("{}?limit={}&after={after}", uri.path(), results.len());
        body["paging"] = json!({"next": {"after": after, "link": link}});
    }
    Json(body).into_response()
}

pub async fn create_default(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (mut sim, from, to) = match open(&sim, &p, &headers, true) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let (id, to_id) = match (id_of(p.get("id")), id_of(p.get("to_id"))) {
        (Ok(id), Ok(to_id)) => (id, to_id),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let Some(type_id) = catalog::default_type(from, to) else {
        return validation(&format!("{from} cannot be associated with {to}"));
    };
    if sim.live(from, id).is_none() || sim.live(to, to_id).is_none() {
        return missing(from, id, to, to_id);
    }
    sim.link(from, id, to, to_id, type_id);
    let results = vec![
        default_result(from, id, to, to_id),
        default_result(to, to_id, from, id),
    ];
    Json(batch_answer(&sim, results)).into_response()
}

/// The type ids a labelled create or batch create names; each must be a HUBSPOT_DEFINED type between them.
fn types_of(from: &str, to: &str, specs: &Value) -> Result<Vec<u32>, Response> {
    let specs = specs
        .as_array()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| validation("expected [{associationCategory, associationTypeId}]"))?;
    specs
        .iter()
        .map(|s| {
            let id = s["associationTypeId"].as_u64().unwrap_or(0) as u32;
            let known = s["associationCategory"] == "HUBSPOT_DEFINED"
                && catalog::type_label(from, to, id).is_some();
            known.then_some(id).ok_or_else(|| {
                validation(&format!(
                    "{} {id} is not an association type from {from} to {to}",
                    s["associationCategory"]
                ))
            })
        })
        .collect()
}

pub async fn create_labelled(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, from, to) = match open(&sim, &p, &headers, true) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let (id, to_id) = match (id_of(p.get("id")), id_of(p.get("to_id"))) {
        (Ok(id), Ok(to_id)) => (id, to_id),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let types = match types_of(from, to, &body) {
        Ok(types) => types,
        Err(e) => return e,
    };
    if sim.live(from, id).is_none() || sim.live(to, to_id).is_none() {
        return missing(from, id, to, to_id);
    }
    for type_id in types {
        sim.link(from, id, to, to_id, type_id);
    }
    (
        StatusCode::CREATED,
        Json(labels_between(&sim, from, id, to, to_id)),
    )
        .into_response()
}

pub async fn delete(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (mut sim, from, to) = match open(&sim, &p, &headers, true) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match (id_of(p.get("id")), id_of(p.get("to_id"))) {
        (Ok(id), Ok(to_id)) => {
            sim.unlink(from, id, to, to_id);
            StatusCode::NO_CONTENT.into_response()
        }
        (Err(e), _) | (_, Err(e)) => e,
    }
}

fn inputs(body: &Value, max: usize) -> Result<&Vec<Value>, Response> {
    body["inputs"]
        .as_array()
        .filter(|i| !i.is_empty() && i.len() <= max)
        .ok_or_else(|| validation(&format!("inputs takes 1 to {max} entries")))
}

pub async fn batch_read(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (sim, from, to) = match open(&sim, &p, &headers, false) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let inputs = match inputs(&body, BATCH_READ_MAX) {
        Ok(inputs) => inputs,
        Err(e) => return e,
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let raw = input["id"].as_str().unwrap_or("");
        let found = raw
            .parse()
            .map(|id| associated(&sim, from, id, to))
            .unwrap_or_default();
        if found.is_empty() {
            errors.push(json!({"status": "error", "category": "OBJECT_NOT_FOUND",
                "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                "message": format!("No {to} is associated with {from} {raw}."),
                "context": {"fromObjectId": [raw]}}));
            continue;
        }
        // Each input pages on its own, with its own `after` *(page size inferred from the single read)*.
        let (to_rows, next) = match page(found, input["after"].as_str(), PAGE_MAX) {
            Ok(paged) => paged,
            Err(e) => return e,
        };
        let mut result = json!({"from": {"id": raw}, "to": to_rows});
        if let Some(after) = next {
            result["paging"] = json!({"next": {"after": after}});
        }
        results.push(result);
    }
    let mut answer = batch_answer(&sim, results);
    if errors.is_empty() {
        return Json(answer).into_response();
    }
    answer["numErrors"] = json!(errors.len());
    answer["errors"] = json!(errors);
    (StatusCode::MULTI_STATUS, Json(answer)).into_response()
}

/// `batch/create` (labelled types given) and `batch/associate/default`: every record must exist or nothing
/// is written.
async fn batch_link(
    sim: Shared<Sim>,
    p: Params,
    headers: HeaderMap,
    body: Value,
    labelled: bool,
) -> Response {
    let (mut sim, from, to) = match open(&sim, &p, &headers, false) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let inputs = match inputs(&body, BATCH_CREATE_MAX) {
        Ok(inputs) => inputs,
        Err(e) => return e,
    };
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let (Some(id), Some(to_id)) = (body_id(&input["from"]), body_id(&input["to"])) else {
            return validation("inputs need from.id and to.id");
        };
        let types = match labelled {
            true => types_of(from, to, &input["types"]),
            false => catalog::default_type(from, to)
                .map(|t| vec![t])
                .ok_or_else(|| validation(&format!("{from} cannot be associated with {to}"))),
        };
        let types = match types {
            Ok(types) => types,
            Err(e) => return e,
        };
        let gone = [(from, id), (to, to_id)]
            .into_iter()
            .find(|(object, oid)| sim.live(object, *oid).is_none());
        match gone {
            Some((object, oid)) => errors.push(invalid_id(object, oid)),
            None => pairs.push((id, to_id, types)),
        }
    }
    if pairs.is_empty() {
        if let Some(first) = inputs.first() {
            let (id, to_id) = (body_id(&first["from"]), body_id(&first["to"]));
            return missing(from, id.unwrap_or_default(), to, to_id.unwrap_or_default());
        }
    }
    let mut results = Vec::new();
    for (id, to_id, types) in pairs {
        for type_id in types {
            sim.link(from, id, to, to_id, type_id);
        }
        results.push(match labelled {
            true => labels_between(&sim, from, id, to, to_id),
            false => default_result(from, id, to, to_id),
        });
    }
    let status = match (errors.is_empty(), labelled) {
        (false, _) => StatusCode::MULTI_STATUS,
        (true, true) => StatusCode::CREATED,
        (true, false) => StatusCode::OK,
    };
    let mut answer = batch_answer(&sim, results);
    if !errors.is_empty() {
        answer["numErrors"] = json!(errors.len());
        answer["errors"] = Value::Array(errors);
    }
    (status, Json(answer)).into_response()
}

/// One input's error in a 207: the record it names that does not exist.
fn invalid_id(object: &str, id: u64) -> Value {
    let kind = object.trim_end_matches('s').to_ascii_uppercase();
    json!({"status": "error", "category": "VALIDATION_ERROR",
        "message": "One or more associations are invalid",
        "context": {"INVALID_OBJECT_IDS": [format!("{kind}={id} is not valid")],
            "objectId": [id.to_string()], "objectType": [kind]}})
}

pub async fn batch_create(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    batch_link(sim, p, headers, body, true).await
}

pub async fn batch_default(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    batch_link(sim, p, headers, body, false).await
}

/// `batch/archive`: `{inputs: [{from: {id}, to: [{id}]}]}` removes those associations; 204.
pub async fn batch_archive(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, from, to) = match open(&sim, &p, &headers, false) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let inputs = match inputs(&body, BATCH_CREATE_MAX) {
        Ok(inputs) => inputs.clone(),
        Err(e) => return e,
    };
    for input in &inputs {
        let Some(id) = body_id(&input["from"]) else {
            return validation("inputs need from.id");
        };
        for to_id in input["to"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(body_id)
        {
            sim.unlink(from, id, to, to_id);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

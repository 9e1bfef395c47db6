//! CRM objects (hubspot-api.md §5 Objects, Batch) on `/crm/v3/objects/{type}` and
//! `/crm/objects/{date-version}/{type}`: get (`properties`, `associations`, `idProperty`, `archived`), list with
//! `after` paging, create (with `associations`), update, archive (to the recycle bin), and batch
//! read/create/update/upsert/archive (100 inputs at most; upsert by a `hasUniqueValue` property).

use crate::auth::Needs;
use crate::catalog;
use crate::errors::{error, object_not_found, validation, JsonBody};
use crate::properties::{check_values, is_unique};
use crate::request::{list_param, open, query_value, Params};
use crate::state::{Record, Sim};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use sim_kit::Shared;
use std::collections::BTreeMap;

const BATCH_MAX: usize = 100;
const LIST_MAX: usize = 100;

type Query_ = Vec<(String, String)>;

pub fn stamp(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A property's value as HubSpot reports it, the computed ones (id, create and modify dates) included.
pub fn value_of(object: &str, r: &Record, name: &str) -> Option<String> {
    match name {
        "hs_object_id" => Some(r.id.to_string()),
        "createdate" | "hs_createdate" => Some(stamp(r.created_at)),
        "hs_lastmodifieddate" => Some(stamp(r.updated_at)),
        "lastmodifieddate" if object == "contacts" => Some(stamp(r.updated_at)),
        "amount" if object == "line_items" => crate::line_items::amount(&r.properties),
        _ => r.properties.get(name).filter(|v| !v.is_empty()).cloned(),
    }
}

/// A record as HubSpot answers it: the requested properties that exist on the type (`null` when unset), or
/// the type's defaults, plus the id and dates; `associations` lists the associated ids per requested type.
pub fn render(sim: &Sim, object: &str, r: &Record, wanted: &[String], with: &[String]) -> Value {
    let modified = if object == "contacts" {
        "lastmodifieddate"
    } else {
        "hs_lastmodifieddate"
    };
    let names: Vec<&str> = if wanted.is_empty() {
        catalog::default_properties(object).to_vec()
    } else {
        wanted.iter().map(String::as_str).collect()
    };
    let mut props = Map::new();
    for name in ["hs_object_id", "createdate", modified]
        .into_iter()
        .chain(names)
    {
        if sim.property(object, name).is_some() {
            props.insert(name.into(), json!(value_of(object, r, name)));
        }
    }
    let mut out = json!({
        "id": r.id.to_string(),
        "properties": props,
        "createdAt": stamp(r.created_at),
        "updatedAt": stamp(r.updated_at),
        "archived": r.archived_at.is_some(),
    });
    if let Some(at) = r.archived_at {
        out["archivedAt"] = json!(stamp(at));
    }
    let mut assoc = Map::new();
    for to in with.iter().filter_map(|t| catalog::object_type(t)) {
        let results: Vec<Value> = sim
            .associations_of(object, r.id, to)
            .into_iter()
            .map(|a| json!({"id": a.to_id.to_string(), "type": association_name(object, to, a.type_id)}))
            .collect();
        if !results.is_empty() {
            assoc.insert(to.to_string(), json!({ "results": results }));
        }
    }
    if !assoc.is_empty() {
        out["associations"] = Value::Object(assoc);
    }
    out
}

/// The v3 association name, e.g. `deal_to_contact` (or the type id for a labelled type).
fn association_name(from: &str, to: &str, type_id: u32) -> String {
    let singular = |o: &str| match o {
        "companies" => "company".to_string(),
        other => other.trim_end_matches('s').to_string(),
    };
    match catalog::type_label(from, to, type_id) {
        Some(None) => format!("{}_to_{}", singular(from), singular(to)),
        _ => type_id.to_string(),
    }
}

/// Rendered with every property the record holds (the answer to a create or an update).
fn render_all(sim: &Sim, object: &str, id: u64) -> Value {
    let r = &sim.objects[object][&id];
    let names: Vec<String> = r.properties.keys().cloned().collect();
    render(sim, object, r, &names, &[])
}

fn properties_of(body: &Value) -> Result<BTreeMap<String, String>, Response> {
    let Some(map) = body.get("properties").and_then(Value::as_object) else {
        return Err(validation("properties is required"));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            Value::Number(n) => Ok((k.clone(), n.to_string())),
            Value::Bool(b) => Ok((k.clone(), b.to_string())),
            Value::Null => Ok((k.clone(), String::new())),
            _ => Err(validation(&format!("Property values must be strings: {k}"))),
        })
        .collect()
}

/// The record (other than `except`) that already holds a `hasUniqueValue` property's value, if any.
fn unique_conflict(
    sim: &Sim,
    object: &str,
    props: &BTreeMap<String, String>,
    except: Option<u64>,
) -> Result<(), Response> {
    for (name, value) in props {
        if value.is_empty() || !is_unique(sim, object, name) {
            continue;
        }
        if let Some(other) = find_by(sim, object, name, value).filter(|id| Some(*id) != except) {
            return Err(error(
                StatusCode::CONFLICT,
                "CONFLICT",
                &format!(
                    "A {object} record with {name}={value} already exists. Existing ID: {other}"
                ),
            ));
        }
    }
    Ok(())
}

/// A live record by a property's value.
fn find_by(sim: &Sim, object: &str, name: &str, value: &str) -> Option<u64> {
    sim.objects[object]
        .values()
        .find(|r| r.archived_at.is_none() && value_of(object, r, name).as_deref() == Some(value))
        .map(|r| r.id)
}

fn create_record(sim: &mut Sim, object: &str, body: &Value) -> Result<u64, Response> {
    let props = properties_of(body)?;
    check_values(sim, object, &props)?;
    let missing: Vec<&&str> = catalog::required_on_create(object)
        .iter()
        .filter(|name| props.get(**name).is_none_or(String::is_empty))
        .collect();
    if !missing.is_empty() {
        return Err(validation(&format!(
            "Missing required properties for {object}: {missing:?}"
        )));
    }
    unique_conflict(sim, object, &props, None)?;
    let mut links = Vec::new();
    for a in body
        .get("associations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let to_id = id_value(&a["to"]["id"]);
        let types = a["types"].as_array().map_or(&[][..], Vec::as_slice);
        if types.is_empty() {
            return Err(validation("an association needs at least one type"));
        }
        // Every type counts (e.g. a deal's company as 341 and as primary, 5), and all must lead to one type.
        let mut target = None;
        for t in types {
            let type_id = t["associationTypeId"].as_u64().unwrap_or(0) as u32;
            let to = catalog::target_of(object, type_id)
                .filter(|to| {
                    t["associationCategory"] == "HUBSPOT_DEFINED" && target.is_none_or(|x| x == *to)
                })
                .ok_or_else(|| {
                    validation(&format!(
                        "association type {type_id} is not valid from {object} to this target"
                    ))
                })?;
            target = Some(to);
            links.push((to, to_id, type_id));
        }
        if let Some(to) = target.filter(|to| sim.live(to, to_id).is_none()) {
            return Err(validation(&format!(
                "association target {to} {to_id} does not exist"
            )));
        }
    }
    let id = sim.next_id();
    let now = sim.now();
    sim.objects.get_mut(object).expect("every type").insert(
        id,
        Record {
            id,
            properties: props,
            created_at: now,
            updated_at: now,
            archived_at: None,
        },
    );
    for (to, to_id, type_id) in links {
        sim.link(object, id, to, to_id, type_id);
    }
    Ok(id)
}

fn update_record(sim: &mut Sim, object: &str, id: u64, body: &Value) -> Result<(), Response> {
    let props = properties_of(body)?;
    if sim.live(object, id).is_none() {
        return Err(object_not_found(&id.to_string()));
    }
    check_values(sim, object, &props)?;
    unique_conflict(sim, object, &props, Some(id))?;
    let now = sim.now();
    let record = sim
        .objects
        .get_mut(object)
        .and_then(|r| r.get_mut(&id))
        .expect("checked live");
    record.properties.extend(props);
    record.updated_at = now;
    Ok(())
}

/// An id in a body: HubSpot sends and takes strings, but numbers are read too.
fn id_value(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
        .unwrap_or(0)
}

/// The record a path or batch id names: the numeric id, or the value of a unique `idProperty`.
fn resolve(
    sim: &Sim,
    object: &str,
    raw: &str,
    id_property: Option<&str>,
) -> Result<Option<u64>, Response> {
    match id_property.filter(|p| *p != "hs_object_id") {
        Some(prop) => {
            if !(is_unique(sim, object, prop) || (object == "contacts" && prop == "email")) {
                return Err(validation(&format!(
                    "{prop} is not a unique identifier property of {object}"
                )));
            }
            Ok(find_by(sim, object, prop, raw))
        }
        None => Ok(raw.parse().ok()),
    }
}

pub async fn get_one(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Query_>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let raw = p.get("id").map_or("", String::as_str);
    let archived = query_value(&q, "archived") == Some("true");
    let id = match resolve(&sim, object, raw, query_value(&q, "idProperty")) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let record = id
        .and_then(|id| sim.objects[object].get(&id))
        .filter(|r| r.archived_at.is_some() == archived);
    match record {
        Some(r) => Json(render(
            &sim,
            object,
            r,
            &list_param(&q, "properties"),
            &list_param(&q, "associations"),
        ))
        .into_response(),
        None => object_not_found(raw),
    }
}

pub async fn list(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Query_>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let limit: usize = query_value(&q, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10)
        .clamp(1, LIST_MAX);
    let after: u64 = query_value(&q, "after")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let archived = query_value(&q, "archived") == Some("true");
    let page: Vec<&Record> = sim.objects[object]
        .range(after..)
        .map(|(_, r)| r)
        .filter(|r| r.archived_at.is_some() == archived)
        .take(limit + 1)
        .collect();
    let (wanted, with) = (list_param(&q, "properties"), list_param(&q, "associations"));
    let results: Vec<Value> = page
        .iter()
        .take(limit)
        .map(|r| render(&sim, object, r, &wanted, &with))
        .collect();
    let mut body = json!({ "results": results });
    if let Some(next) = page.get(limit) {
        body["paging"] = json!({"next": {"after": next.id.to_string(),
            "link": format!("?after={}", next.id)}});
    }
    Json(body).into_response()
}

pub async fn create(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match create_record(&mut sim, object, &body) {
        Ok(id) => (StatusCode::CREATED, Json(render_all(&sim, object, id))).into_response(),
        Err(e) => e,
    }
}

pub async fn update(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Query_>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let raw = p.get("id").map_or("", String::as_str);
    let id = match resolve(&sim, object, raw, query_value(&q, "idProperty")) {
        Ok(Some(id)) => id,
        Ok(None) => return object_not_found(raw),
        Err(e) => return e,
    };
    match update_record(&mut sim, object, id, &body) {
        Ok(()) => Json(render_all(&sim, object, id)).into_response(),
        Err(e) => e,
    }
}

/// Moves a record to the recycle bin and drops its associations.
fn archive_record(sim: &mut Sim, object: &str, id: u64) {
    let now = sim.now();
    if let Some(r) = sim
        .objects
        .get_mut(object)
        .and_then(|r| r.get_mut(&id))
        .filter(|r| r.archived_at.is_none())
    {
        r.archived_at = Some(now);
        sim.associations.retain(|a| {
            !((a.from == object && a.from_id == id) || (a.to == object && a.to_id == id))
        });
    }
}

pub async fn archive(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    if let Some(id) = p.get("id").and_then(|i| i.parse().ok()) {
        archive_record(&mut sim, object, id);
    }
    // Archiving is idempotent: HubSpot answers 204 for a missing record too.
    StatusCode::NO_CONTENT.into_response()
}

/// One batch input applied: the record id and, for upserts, whether it was created.
fn apply(sim: &mut Sim, op: &str, object: &str, input: &Value) -> Result<(u64, bool), Response> {
    match op {
        "create" => create_record(sim, object, input).map(|id| (id, true)),
        "update" => {
            let raw = input["id"].as_str().unwrap_or("");
            let id = resolve(sim, object, raw, input["idProperty"].as_str())?
                .ok_or_else(|| object_not_found(raw))?;
            update_record(sim, object, id, input).map(|()| (id, false))
        }
        "upsert" => {
            let (Some(prop), Some(value)) = (input["idProperty"].as_str(), input["id"].as_str())
            else {
                return Err(validation("upsert inputs need idProperty and id"));
            };
            match resolve(sim, object, value, Some(prop))? {
                Some(id) => update_record(sim, object, id, input).map(|()| (id, false)),
                None => {
                    let mut with_key = input.clone();
                    with_key["properties"][prop] = json!(value);
                    create_record(sim, object, &with_key).map(|id| (id, true))
                }
            }
        }
        _ => unreachable!("batch ops are matched before"),
    }
}

/// `POST …/batch/{read,create,update,upsert,archive}`. A failing input fails the whole batch and nothing is
/// written, unless the inputs carry `objectWriteTraceId`: then each stands alone and failures come back in
/// `errors` with a 207 (hubspot-api.md §5 Batch).
pub async fn batch(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let op = p.get("op").map_or("", String::as_str);
    let write = match op {
        "read" => false,
        "create" | "update" | "upsert" | "archive" => true,
        _ => return crate::errors::not_found(),
    };
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, write)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let Some(inputs) = body["inputs"].as_array() else {
        return validation("inputs is required");
    };
    if inputs.len() > BATCH_MAX {
        return validation(&format!(
            "Batch input limit is {BATCH_MAX}; {} inputs were sent",
            inputs.len()
        ));
    }
    let wanted: Vec<String> = body["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let now = sim.now();
    let mut answer = json!({"status": "COMPLETE", "startedAt": now, "completedAt": now});
    let render_one = |sim: &Sim, id: u64| {
        if wanted.is_empty() {
            render_all(sim, object, id)
        } else {
            render(sim, object, &sim.objects[object][&id], &wanted, &[])
        }
    };
    match op {
        "archive" => {
            for input in inputs {
                archive_record(&mut sim, object, id_value(&input["id"]));
            }
            return StatusCode::NO_CONTENT.into_response();
        }
        "read" => {
            let mut results = Vec::new();
            let mut missing = Vec::new();
            for input in inputs {
                let raw = input["id"].as_str().unwrap_or("");
                let id = match resolve(&sim, object, raw, body["idProperty"].as_str()) {
                    Ok(id) => id.filter(|id| sim.live(object, *id).is_some()),
                    Err(e) => return e,
                };
                match id {
                    Some(id) => results.push(render_one(&sim, id)),
                    None => missing.push(raw.to_string()),
                }
            }
            answer["results"] = json!(results);
            if missing.is_empty() {
                return Json(answer).into_response();
            }
            answer["numErrors"] = json!(1);
            answer["errors"] = json!([{"status": "error", "category": "OBJECT_NOT_FOUND",
                "message": format!("Could not get some {object} objects, they may be deleted or not exist. Check that ids are valid."),
                "context": {"ids": missing}}]);
            return (StatusCode::MULTI_STATUS, Json(answer)).into_response();
        }
        _ => {}
    }
    let traced = inputs.iter().any(|i| i["objectWriteTraceId"].is_string());
    let before = (
        sim.objects.clone(),
        sim.associations.clone(),
        sim.properties.clone(),
    );
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        match apply(&mut sim, op, object, input) {
            Ok((id, new)) => {
                let mut r = render_one(&sim, id);
                if op == "upsert" {
                    r["new"] = json!(new);
                }
                if let Some(trace) = input.get("objectWriteTraceId") {
                    r["objectWriteTraceId"] = trace.clone();
                }
                results.push(r);
            }
            Err(e) if traced => {
                errors.push(json!({"status": "error", "category": "VALIDATION_ERROR",
                "message": format!("input failed with HTTP {}", e.status().as_u16()),
                "context": {"objectWriteTraceId": [input["objectWriteTraceId"]]}}))
            }
            Err(e) => {
                (sim.objects, sim.associations, sim.properties) = before;
                return e;
            }
        }
    }
    answer["results"] = json!(results);
    let status = if !errors.is_empty() {
        answer["numErrors"] = json!(errors.len());
        answer["errors"] = json!(errors);
        StatusCode::MULTI_STATUS
    } else if op == "create" {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(answer)).into_response()
}

//! CRM objects (hubspot-api.md §5 Objects, Batch) on `/crm/v3/objects/{type}` and
//! `/crm/objects/{date-version}/{type}`: get (`properties`, `associations`, `idProperty`, `archived`), list with
//! `after` paging, create (with `associations`), update and archive (to the recycle bin); how a record is
//! rendered. The write rules are in `writes`, the batch endpoints in `batch`.

use crate::auth::Needs;
use crate::catalog;
use crate::errors::{object_not_found, JsonBody};
use crate::request::{list_param, open, query_value, Params};
use crate::state::{Record, Sim};
use crate::writes::{archive_record, check_archive, create_record, resolve, update_record};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use sim_kit::Shared;

const LIST_MAX: usize = 100;

type Query_ = Vec<(String, String)>;

pub fn stamp(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A property's value as HubSpot reports it, the computed ones (id, create and modify dates, line item and
/// invoice amounts) included.
pub fn value_of(sim: &Sim, object: &str, r: &Record, name: &str) -> Option<String> {
    if object == "invoices" {
        if let Some(value) = crate::invoices::computed(sim, r, name) {
            return value;
        }
    }
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
            props.insert(name.into(), json!(value_of(sim, object, r, name)));
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
    match catalog::type_label(from, to, type_id) {
        Some(None) => format!("{}_to_{}", catalog::singular(from), catalog::singular(to)),
        _ => type_id.to_string(),
    }
}

/// Rendered with every property the record holds (the answer to a create or an update).
pub fn render_all(sim: &Sim, object: &str, id: u64) -> Value {
    let r = &sim.objects[object][&id];
    let names: Vec<String> = r.properties.keys().cloned().collect();
    render(sim, object, r, &names, &[])
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
        Err(e) => return e.into_response(),
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
        None => object_not_found(raw).into_response(),
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
        Err(e) => e.into_response(),
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
        Ok(None) => return object_not_found(raw).into_response(),
        Err(e) => return e.into_response(),
    };
    match update_record(&mut sim, object, id, &body) {
        Ok(_) => Json(render_all(&sim, object, id)).into_response(),
        Err(e) => e.into_response(),
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
        if let Err(e) = check_archive(&sim, object, id) {
            return e.into_response();
        }
        archive_record(&mut sim, object, id);
    }
    // Archiving is idempotent: HubSpot answers 204 for a missing record too.
    StatusCode::NO_CONTENT.into_response()
}

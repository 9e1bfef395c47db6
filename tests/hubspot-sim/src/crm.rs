//! CRM objects (hubspot-api.md §5) on `/crm/v3/objects/{type}` and the date-versioned
//! `/crm/objects/{2026-03|2026-09}/{type}`: get, list with `after` paging, create, update, archive, batch
//! read/create/update/upsert (100 inputs at most; upsert by a `hasUniqueValue` property), and search.
// Helpers fail with the finished HubSpot error answer; boxing it would buy nothing in a test simulator.
#![allow(clippy::result_large_err)]

use crate::api::{not_found, refusal};
use crate::state::{default_type, error, Association, Record, Sim};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use sim_kit::Shared;
use std::collections::{BTreeMap, HashMap};
use std::sync::MutexGuard;

const VERSIONS: &[&str] = &["v3", "2026-03", "2026-09"];
const BATCH_MAX: usize = 100;
const SEARCH_MAX_LIMIT: usize = 200;
const SEARCH_CAP: usize = 10_000;
pub const OBJECTS: &[&str] = &[
    "contacts",
    "companies",
    "deals",
    "products",
    "line_items",
    "quotes",
    "invoices",
    "notes",
];

type Params = HashMap<String, String>;

/// The object type of a path, if the version and type exist.
fn object_of(params: &Params) -> Result<String, Response> {
    let version = params.get("version").map(String::as_str).unwrap_or("v3");
    if !VERSIONS.contains(&version) {
        return Err(not_found());
    }
    let object = params.get("object").cloned().unwrap_or_default();
    if OBJECTS.contains(&object.as_str()) {
        Ok(object)
    } else {
        Err(error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &format!("Unable to infer object type from: {object}"),
        ))
    }
}

/// The state, locked, and the path's object type, once the version, the type and the token check out.
fn open<'a>(
    sim: &'a Shared<Sim>,
    p: &Params,
    headers: &HeaderMap,
) -> Result<(MutexGuard<'a, Sim>, String), Response> {
    let sim = sim.lock().expect("sim lock");
    let object = object_of(p)?;
    match refusal(&sim, headers, None) {
        Some(e) => Err(e),
        None => Ok((sim, object)),
    }
}

fn validation(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
}

fn object_not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        &format!("Object not found.  objectId are usually numeric. ({id})"),
    )
}

/// A record as HubSpot answers it: the requested properties plus the ones always returned.
pub fn render(
    sim: &Sim,
    object: &str,
    r: &Record,
    wanted: &[String],
    with_associations: &[String],
) -> Value {
    let mut props = Map::new();
    let stamp = |d: chrono::DateTime<chrono::Utc>| {
        json!(d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    };
    props.insert("hs_object_id".into(), json!(r.id.to_string()));
    props.insert("createdate".into(), stamp(r.created_at));
    props.insert("hs_lastmodifieddate".into(), stamp(r.updated_at));
    let defaults: &[&str] = match object {
        "contacts" => &["email", "firstname", "lastname"],
        "companies" => &["name", "domain"],
        "deals" => &["dealname", "amount", "dealstage", "pipeline", "closedate"],
        "line_items" => &[
            "name",
            "quantity",
            "price",
            "amount",
            "hs_sku",
            "hs_product_id",
        ],
        "products" => &["name", "price", "hs_sku", "description"],
        "quotes" => &["hs_title", "hs_status", "hs_expiration_date"],
        _ => &[],
    };
    let names: Vec<&str> = if wanted.is_empty() {
        defaults.to_vec()
    } else {
        wanted.iter().map(String::as_str).collect()
    };
    for name in names {
        props.insert(
            name.into(),
            r.properties.get(name).map_or(Value::Null, |v| json!(v)),
        );
    }
    let mut out = json!({
        "id": r.id.to_string(),
        "properties": props,
        "createdAt": stamp(r.created_at),
        "updatedAt": stamp(r.updated_at),
        "archived": false,
    });
    let mut assoc = Map::new();
    for to in with_associations {
        let results: Vec<Value> = sim
            .associations
            .iter()
            .filter(|a| a.from == object && a.from_id == r.id && &a.to == to)
            .map(|a| json!({"id": a.to_id.to_string(), "type": format!("{}_to_{}", singular(object), singular(to))}))
            .collect();
        if !results.is_empty() {
            assoc.insert(to.clone(), json!({ "results": results }));
        }
    }
    if !assoc.is_empty() {
        out["associations"] = Value::Object(assoc);
    }
    out
}

fn singular(object: &str) -> &str {
    object
        .strip_suffix("ies")
        .map(|_| "company")
        .unwrap_or_else(|| object.trim_end_matches('s'))
}

fn list_param(q: &Params, name: &str) -> Vec<String> {
    q.get(name)
        .map(|v| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
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

/// Unique-value properties (`hasUniqueValue`) may not repeat across records of a type.
fn unique_conflict(
    sim: &Sim,
    object: &str,
    props: &BTreeMap<String, String>,
    except: Option<u64>,
) -> Option<Response> {
    let defs = sim.properties.get(object)?;
    for (name, value) in props {
        let unique = defs.get(name).and_then(|d| d["hasUniqueValue"].as_bool()) == Some(true);
        if unique && !value.is_empty() {
            let taken = sim
                .objects
                .get(object)
                .into_iter()
                .flatten()
                .any(|(id, r)| Some(*id) != except && r.properties.get(name) == Some(value));
            if taken {
                return Some(error(
                    StatusCode::CONFLICT,
                    "CONFLICT",
                    &format!("A {object} record with {name}={value} already exists."),
                ));
            }
        }
    }
    None
}

fn create_record(sim: &mut Sim, object: &str, body: &Value) -> Result<u64, Response> {
    let props = properties_of(body)?;
    if let Some(conflict) = unique_conflict(sim, object, &props, None) {
        return Err(conflict);
    }
    let id = sim.next_id();
    let now = sim.now();
    for a in body
        .get("associations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let to_id: u64 = a["to"]["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .or_else(|| a["to"]["id"].as_u64())
            .unwrap_or(0);
        let Some((to, _)) = sim
            .objects
            .iter()
            .find(|(_, recs)| recs.contains_key(&to_id))
        else {
            return Err(validation(&format!(
                "association target {to_id} does not exist"
            )));
        };
        let to = to.clone();
        link(
            sim,
            object,
            id,
            &to,
            to_id,
            a["types"][0]["associationTypeId"]
                .as_u64()
                .map(|t| t as u32),
        );
    }
    sim.objects.entry(object.to_string()).or_default().insert(
        id,
        Record {
            id,
            properties: props,
            created_at: now,
            updated_at: now,
        },
    );
    Ok(id)
}

/// Writes an association and its reverse (default types when `type_id` is absent).
pub fn link(sim: &mut Sim, from: &str, from_id: u64, to: &str, to_id: u64, type_id: Option<u32>) {
    for (f, fid, t, tid, ty) in [
        (
            from,
            from_id,
            to,
            to_id,
            type_id.or_else(|| default_type(from, to)),
        ),
        (to, to_id, from, from_id, default_type(to, from)),
    ] {
        let Some(type_id) = ty else { continue };
        let a = Association {
            from: f.into(),
            from_id: fid,
            to: t.into(),
            to_id: tid,
            category: "HUBSPOT_DEFINED".into(),
            type_id,
        };
        if !sim.associations.contains(&a) {
            sim.associations.push(a);
        }
    }
}

fn update_record(sim: &mut Sim, object: &str, id: u64, body: &Value) -> Result<(), Response> {
    let props = properties_of(body)?;
    if let Some(conflict) = unique_conflict(sim, object, &props, Some(id)) {
        return Err(conflict);
    }
    let now = sim.now();
    let record = sim
        .objects
        .get_mut(object)
        .and_then(|r| r.get_mut(&id))
        .ok_or_else(|| object_not_found(&id.to_string()))?;
    record.properties.extend(props);
    record.updated_at = now;
    Ok(())
}

fn parse_id(raw: &str) -> Result<u64, Response> {
    raw.parse().map_err(|_| object_not_found(raw))
}

pub async fn get_one(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let raw = p.get("id").cloned().unwrap_or_default();
    let record = parse_id(&raw)
        .ok()
        .and_then(|id| sim.objects.get(&object)?.get(&id));
    match record {
        Some(r) => Json(render(
            &sim,
            &object,
            r,
            &list_param(&q, "properties"),
            &list_param(&q, "associations"),
        ))
        .into_response(),
        None => object_not_found(&raw),
    }
}

pub async fn list(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    Query(q): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let after: u64 = q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let records: Vec<&Record> = sim
        .objects
        .get(&object)
        .into_iter()
        .flat_map(|r| r.range(after..))
        .map(|(_, r)| r)
        .take(limit + 1)
        .collect();
    let wanted = list_param(&q, "properties");
    let results: Vec<Value> = records
        .iter()
        .take(limit)
        .map(|r| render(&sim, &object, r, &wanted, &[]))
        .collect();
    let mut body = json!({ "results": results });
    if let Some(next) = records.get(limit) {
        body["paging"] =
            json!({"next": {"after": next.id.to_string(), "link": format!("?after={}", next.id)}});
    }
    Json(body).into_response()
}

pub async fn create(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match create_record(&mut sim, &object, &body) {
        Ok(id) => {
            let r = sim.objects[&object][&id].clone();
            (
                StatusCode::CREATED,
                Json(render(
                    &sim,
                    &object,
                    &r,
                    &r.properties.keys().cloned().collect::<Vec<_>>(),
                    &[],
                )),
            )
                .into_response()
        }
        Err(e) => e,
    }
}

pub async fn update(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let id = match parse_id(p.get("id").map(String::as_str).unwrap_or("")) {
        Ok(id) => id,
        Err(e) => return e,
    };
    match update_record(&mut sim, &object, id, &body) {
        Ok(()) => {
            let r = sim.objects[&object][&id].clone();
            Json(render(
                &sim,
                &object,
                &r,
                &r.properties.keys().cloned().collect::<Vec<_>>(),
                &[],
            ))
            .into_response()
        }
        Err(e) => e,
    }
}

pub async fn archive(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    if let Some(id) = p.get("id").and_then(|i| i.parse::<u64>().ok()) {
        if sim
            .objects
            .get_mut(&object)
            .and_then(|r| r.remove(&id))
            .is_some()
        {
            sim.associations.retain(|a| {
                !((a.from == object && a.from_id == id) || (a.to == object && a.to_id == id))
            });
        }
    }
    // Archiving is idempotent: HubSpot answers 204 for a missing record too.
    StatusCode::NO_CONTENT.into_response()
}

pub async fn batch(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let inputs = body["inputs"].as_array().cloned().unwrap_or_default();
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
    let mut ids = Vec::new();
    match p.get("op").map(String::as_str).unwrap_or("") {
        "read" => {
            for input in &inputs {
                if let Some(id) = input["id"]
                    .as_str()
                    .and_then(|i| i.parse::<u64>().ok())
                    .filter(|id| sim.objects.get(&object).is_some_and(|r| r.contains_key(id)))
                {
                    ids.push(id);
                }
            }
        }
        "create" => {
            for input in &inputs {
                match create_record(&mut sim, &object, input) {
                    Ok(id) => ids.push(id),
                    Err(e) => return e,
                }
            }
        }
        "update" => {
            for input in &inputs {
                let id = match parse_id(input["id"].as_str().unwrap_or("")) {
                    Ok(id) => id,
                    Err(e) => return e,
                };
                if let Err(e) = update_record(&mut sim, &object, id, input) {
                    return e;
                }
                ids.push(id);
            }
        }
        "upsert" => {
            for input in &inputs {
                let (Some(prop), Some(value)) =
                    (input["idProperty"].as_str(), input["id"].as_str())
                else {
                    return validation("upsert inputs need idProperty and id");
                };
                let unique = sim
                    .properties
                    .get(&object)
                    .and_then(|d| d.get(prop))
                    .and_then(|d| d["hasUniqueValue"].as_bool())
                    == Some(true);
                if !(unique || (object == "contacts" && prop == "email")) {
                    return validation(&format!(
                        "{prop} is not a unique identifier property of {object}"
                    ));
                }
                let existing = sim
                    .objects
                    .get(&object)
                    .into_iter()
                    .flatten()
                    .find(|(_, r)| r.properties.get(prop).map(String::as_str) == Some(value))
                    .map(|(id, _)| *id);
                let result = match existing {
                    Some(id) => update_record(&mut sim, &object, id, input).map(|_| id),
                    None => {
                        let mut with_key = input.clone();
                        with_key["properties"][prop] = json!(value);
                        create_record(&mut sim, &object, &with_key)
                    }
                };
                match result {
                    Ok(id) => ids.push(id),
                    Err(e) => return e,
                }
            }
        }
        _ => return not_found(),
    }
    let results: Vec<Value> = ids
        .iter()
        .map(|id| {
            let r = &sim.objects[&object][id];
            let names = if wanted.is_empty() {
                r.properties.keys().cloned().collect()
            } else {
                wanted.clone()
            };
            render(&sim, &object, r, &names, &[])
        })
        .collect();
    Json(json!({"status": "COMPLETE", "results": results, "startedAt": sim.now(), "completedAt": sim.now()})).into_response()
}

fn filter_matches(r: &Record, f: &Value) -> Result<bool, String> {
    let name = f["propertyName"]
        .as_str()
        .ok_or("a filter needs propertyName")?;
    let id_value = r.id.to_string();
    let actual = if name == "hs_object_id" {
        Some(id_value.as_str())
    } else {
        r.properties.get(name).map(String::as_str)
    };
    let want = f["value"]
        .as_str()
        .map(str::to_string)
        .or_else(|| f["value"].as_f64().map(|n| n.to_string()));
    let cmp = |a: &str, b: &str| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y),
        _ => Some(a.cmp(b)),
    };
    let op = f["operator"].as_str().unwrap_or("EQ");
    Ok(match op {
        "HAS_PROPERTY" => actual.is_some_and(|v| !v.is_empty()),
        "NOT_HAS_PROPERTY" => actual.is_none_or(str::is_empty),
        "IN" | "NOT_IN" => {
            let values: Vec<String> = f["values"]
                .as_array()
                .ok_or("IN needs values")?
                .iter()
                .filter_map(|v| v.as_str().map(|s| s.to_lowercase()))
                .collect();
            let hit = actual.is_some_and(|a| values.contains(&a.to_lowercase()));
            if op == "IN" {
                hit
            } else {
                !hit
            }
        }
        _ => {
            let want = want.ok_or("a filter needs a value")?;
            let Some(a) = actual else {
                return Ok(op == "NEQ");
            };
            match op {
                "EQ" => a.eq_ignore_ascii_case(&want),
                "NEQ" => !a.eq_ignore_ascii_case(&want),
                "LT" => cmp(a, &want) == Some(std::cmp::Ordering::Less),
                "LTE" => cmp(a, &want) != Some(std::cmp::Ordering::Greater),
                "GT" => cmp(a, &want) == Some(std::cmp::Ordering::Greater),
                "GTE" => cmp(a, &want) != Some(std::cmp::Ordering::Less),
                "CONTAINS_TOKEN" => a
                    .to_lowercase()
                    .split_whitespace()
                    .any(|t| t == want.to_lowercase().trim_matches('*')),
                "NOT_CONTAINS_TOKEN" => !a
                    .to_lowercase()
                    .split_whitespace()
                    .any(|t| t == want.to_lowercase()),
                other => return Err(format!("operator {other} is not supported")),
            }
        }
    })
}

pub async fn search(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    if sim.search_throttled() {
        let body = json!({"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT", "correlationId": uuid::Uuid::new_v4().to_string()});
        return (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    }
    let limit = body["limit"].as_u64().unwrap_or(10) as usize;
    if limit > SEARCH_MAX_LIMIT {
        return validation(&format!("limit may not exceed {SEARCH_MAX_LIMIT}"));
    }
    let after: usize = body["after"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    if after + limit > SEARCH_CAP {
        return validation("Cannot page beyond 10,000 results");
    }
    let groups = body["filterGroups"].as_array().cloned().unwrap_or_default();
    if groups.len() > 5
        || groups
            .iter()
            .map(|g| g["filters"].as_array().map_or(0, Vec::len))
            .sum::<usize>()
            > 18
    {
        return validation("at most 5 filterGroups and 18 filters");
    }
    let mut hits = Vec::new();
    for r in sim
        .objects
        .get(&object)
        .into_iter()
        .flat_map(|r| r.values())
    {
        let mut any = groups.is_empty();
        for g in &groups {
            let mut all = true;
            for f in g["filters"].as_array().into_iter().flatten() {
                match filter_matches(r, f) {
                    Ok(m) => all &= m,
                    Err(e) => return validation(&e),
                }
            }
            any |= all;
        }
        if any {
            hits.push(r.clone());
        }
    }
    if let Some(sort) = body["sorts"].as_array().and_then(|s| s.first()) {
        let name = sort["propertyName"]
            .as_str()
            .unwrap_or("hs_object_id")
            .to_string();
        hits.sort_by(|a, b| a.properties.get(&name).cmp(&b.properties.get(&name)));
        if sort["direction"] == "DESCENDING" {
            hits.reverse();
        }
    }
    let total = hits.len();
    let wanted: Vec<String> = body["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let results: Vec<Value> = hits
        .iter()
        .skip(after)
        .take(limit)
        .map(|r| render(&sim, &object, r, &wanted, &[]))
        .collect();
    let mut answer = json!({"total": total, "results": results});
    if after + limit < total.min(SEARCH_CAP) {
        answer["paging"] = json!({"next": {"after": (after + limit).to_string()}});
    }
    Json(answer).into_response()
}

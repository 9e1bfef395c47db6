//! Property groups and properties (hubspot-api.md §5 Properties) on `/crm/v3/properties/{type}` and
//! `/crm/properties/{date-version}/{type}`, and the check every record write goes through: the property
//! must exist, and its value must fit its type (number, date, datetime, enumeration options, bool).

use crate::auth::Needs;
use crate::errors::{error, not_found, validation, JsonBody, Refusal};
use crate::request::{open, Params};
use crate::state::Sim;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Timelike};
use serde_json::{json, Value};
use sim_kit::Shared;
use std::collections::BTreeMap;

/// Valid `type` → `fieldType` pairs (hubspot-api.md §5 Properties).
const TYPES: &[(&str, &[&str])] = &[
    (
        "string",
        &["text", "textarea", "html", "phonenumber", "file"],
    ),
    ("number", &["number"]),
    ("date", &["date"]),
    ("datetime", &["date"]),
    (
        "enumeration",
        &["select", "radio", "checkbox", "booleancheckbox"],
    ),
    ("bool", &["booleancheckbox"]),
];

pub async fn create_group(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let (Some(name), Some(label)) = (body["name"].as_str(), body["label"].as_str()) else {
        return validation("name and label are required");
    };
    let groups = sim.groups.entry(object.to_string()).or_default();
    if groups.contains_key(name) {
        return error(
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            &format!("A property group named '{name}' already exists."),
        );
    }
    let group = json!({"name": name, "label": label,
        "displayOrder": body["displayOrder"].as_i64().unwrap_or(-1), "archived": false});
    groups.insert(name.to_string(), group.clone());
    (StatusCode::CREATED, Json(group)).into_response()
}

pub async fn list_groups(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let results: Vec<&Value> = sim.groups[object].values().collect();
    Json(json!({ "results": results })).into_response()
}

pub async fn get_group(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match sim.groups[object].get(p.get("name").map_or("", String::as_str)) {
        Some(g) => Json(g.clone()).into_response(),
        None => not_found(),
    }
}

/// Defines one property, or says why not (the 400/409 answer).
fn define(sim: &mut Sim, object: &str, body: &Value) -> Result<Value, Response> {
    let field = |k: &str| body[k].as_str().unwrap_or("");
    let (name, kind, field_type, group) = (
        field("name"),
        field("type"),
        field("fieldType"),
        field("groupName"),
    );
    if name.is_empty() || field("label").is_empty() || group.is_empty() {
        return Err(validation(
            "name, label, type, fieldType and groupName are required",
        ));
    }
    if !TYPES
        .iter()
        .any(|(t, fields)| *t == kind && fields.contains(&field_type))
    {
        return Err(validation(&format!(
            "fieldType {field_type} is not valid for type {kind}"
        )));
    }
    if !sim.groups[object].contains_key(group) {
        return Err(validation(&format!(
            "property group {group} does not exist"
        )));
    }
    if sim.property(object, name).is_some() {
        return Err(error(
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            &format!("Property named '{name}' already exists."),
        ));
    }
    let mut stored = body.clone();
    stored["hasUniqueValue"] = json!(body["hasUniqueValue"].as_bool().unwrap_or(false));
    stored["options"] = body.get("options").cloned().unwrap_or(json!([]));
    stored["hubspotDefined"] = json!(false);
    stored["archived"] = json!(false);
    stored["modificationMetadata"] =
        json!({"archivable": true, "readOnlyDefinition": false, "readOnlyValue": false});
    sim.properties
        .entry(object.to_string())
        .or_default()
        .insert(name.to_string(), stored.clone());
    // A new unique property is a new way to find records: the kept index does not know it.
    sim.indexes.remove(object);
    Ok(stored)
}

pub async fn create_property(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match define(&mut sim, object, &body) {
        Ok(stored) => (StatusCode::CREATED, Json(stored)).into_response(),
        Err(e) => e,
    }
}

/// `POST …/batch/create`: each input defined on its own; failures come back as `errors` with a 207.
pub async fn batch_create(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, true)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for input in body["inputs"].as_array().into_iter().flatten() {
        match define(&mut sim, object, input) {
            Ok(stored) => results.push(stored),
            Err(e) => errors.push(json!({"status": "error", "category": "VALIDATION_ERROR",
                "message": format!("{} was not created ({})", input["name"], e.status()),
                "context": {"name": [input["name"]]}})),
        }
    }
    let now = sim.now();
    let status = if errors.is_empty() {
        StatusCode::CREATED
    } else {
        StatusCode::MULTI_STATUS
    };
    let mut answer =
        json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now});
    if !errors.is_empty() {
        answer["numErrors"] = json!(errors.len());
        answer["errors"] = json!(errors);
    }
    (status, Json(answer)).into_response()
}

pub async fn list_properties(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    Json(json!({ "results": sim.property_list(object) })).into_response()
}

pub async fn batch_read(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let results: Vec<&Value> = body["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| sim.property(object, i["name"].as_str()?))
        .collect();
    let now = sim.now();
    Json(json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}))
        .into_response()
}

pub async fn get_property(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::schema(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    match sim.property(object, p.get("name").map_or("", String::as_str)) {
        Some(def) => Json(def.clone()).into_response(),
        None => not_found(),
    }
}

/// Whether `value` fits a property of HubSpot `type` `kind` with `options`; the error code if not.
fn misfit(kind: &str, options: &[Value], value: &str) -> Option<&'static str> {
    let ms = value.parse::<i64>().ok();
    let datetime = chrono::DateTime::parse_from_rfc3339(value).ok();
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    let fits = match kind {
        "number" => value.parse::<f64>().is_ok_and(f64::is_finite),
        // Dates are midnight UTC: a plain date, or epoch ms / an ISO datetime at midnight.
        "date" => {
            date.is_some()
                || ms.is_some_and(|ms| ms % 86_400_000 == 0)
                || datetime.is_some_and(|d| d.to_utc().num_seconds_from_midnight() == 0)
        }
        "datetime" => ms.is_some() || datetime.is_some() || date.is_some(),
        "bool" => value == "true" || value == "false",
        "enumeration" if !options.is_empty() => value
            .split(';')
            .all(|v| options.iter().any(|o| o["value"].as_str() == Some(v))),
        _ => true,
    };
    (!fits).then_some(match kind {
        "number" => "INVALID_DECIMAL",
        "date" | "datetime" => "INVALID_DATE",
        _ => "INVALID_OPTION",
    })
}

/// A rule HubSpot applies to one object's property beyond its type: a contact's e-mail must be an address
/// (HubSpot's "Email address … is invalid"), and a line item's price cannot be negative (line items guide;
/// the code is *(inferred)*).
fn object_rule(object: &str, name: &str, value: &str) -> Option<(&'static str, String)> {
    match (object, name) {
        ("contacts", "email") if !looks_like_email(value) => {
            Some(("INVALID_EMAIL", format!("Email address {value} is invalid")))
        }
        ("line_items", "price") if value.trim_start().starts_with('-') => Some((
            "INVALID_DECIMAL",
            format!("{value} was not a valid value for {name}: the price cannot be negative"),
        )),
        _ => None,
    }
}

/// One `@` with text before it and a dotted domain after it, no spaces.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !value.contains(char::is_whitespace)
        && domain.split('.').filter(|part| !part.is_empty()).count() >= 2
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// What is wrong with writing `value` to `name`, if anything: (error code, message).
fn problem(sim: &Sim, object: &str, name: &str, value: &str) -> Option<(&'static str, String)> {
    let Some(def) = sim.property(object, name) else {
        return Some((
            "PROPERTY_DOESNT_EXIST",
            format!("Property \"{name}\" does not exist"),
        ));
    };
    if def["modificationMetadata"]["readOnlyValue"] == true {
        return Some((
            "READ_ONLY_VALUE",
            format!("\"{name}\" is a read only property; its value cannot be set."),
        ));
    }
    if value.is_empty() {
        return None;
    }
    let options = def["options"].as_array().map_or(&[][..], Vec::as_slice);
    misfit(def["type"].as_str().unwrap_or("string"), options, value)
        .map(|code| (code, format!("{value} was not a valid value for {name}")))
        .or_else(|| object_rule(object, name, value))
}

/// Every written property must exist on the type, be writable, and its value fit its definition; `""`
/// clears a value. The refusal is HubSpot's: "Property values were not valid: [...]" listing each problem
/// (`isValid`, `message`, `error`, `name`, `localizedErrorMessage`, `portalId`) and `errors` with `code`
/// and `context.propertyName` (hubspot-api.md §6; the error-handling page's multi-status example).
pub fn check_values(
    sim: &Sim,
    object: &str,
    props: &BTreeMap<String, String>,
) -> Result<(), Refusal> {
    let problems: Vec<(&String, &str, String)> = props
        .iter()
        .filter_map(|(name, value)| {
            problem(sim, object, name, value).map(|(code, message)| (name, code, message))
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    let portal = sim.seed.portal_id;
    let listed: Vec<Value> = problems
        .iter()
        .map(|(name, code, message)| {
            json!({"isValid": false, "message": message, "error": code,
            "name": name, "localizedErrorMessage": message, "portalId": portal})
        })
        .collect();
    let errors: Vec<Value> = problems
        .iter()
        .map(|(name, code, message)| json!({"message": message, "code": code, "context": {"propertyName": [name]}}))
        .collect();
    Err(Refusal::validation(format!(
        "Property values were not valid: {}",
        Value::from(listed)
    ))
    .with(json!({ "errors": errors })))
}

/// Whether a property of the type is declared `hasUniqueValue`.
pub fn is_unique(sim: &Sim, object: &str, name: &str) -> bool {
    sim.property(object, name)
        .and_then(|d| d["hasUniqueValue"].as_bool())
        == Some(true)
}

//! Account details and CRM properties (hubspot-api.md §5), bearer-authenticated.

use crate::state::{error, Sim};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;

const OBJECTS: &[&str] = &[
    "contacts",
    "companies",
    "deals",
    "products",
    "line_items",
    "quotes",
    "invoices",
    "notes",
];
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

pub fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "resource not found",
    )
}

pub async fn unknown_path() -> Response {
    not_found()
}

/// Why a call is refused, if it is: a missing, unknown or expired bearer token (401 with
/// `INVALID_AUTHENTICATION` / `EXPIRED_AUTHENTICATION`), or an object type HubSpot does not have.
pub(crate) fn refusal(sim: &Sim, headers: &HeaderMap, object: Option<&str>) -> Option<Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    match sim.access_tokens.get(token.trim()) {
        Some(t) if t.expires_at > sim.now() => {}
        Some(_) => {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "EXPIRED_AUTHENTICATION",
                "The OAuth token used to make this call expired.",
            ))
        }
        None => {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found.",
            ))
        }
    }
    match object {
        Some(o) if !OBJECTS.contains(&o) => Some(error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &format!("Unable to infer object type from: {o}"),
        )),
        _ => None,
    }
}

pub async fn account_details(State(sim): State<Shared<Sim>>, headers: HeaderMap) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, None) {
        return e;
    }
    Json(json!({
        "portalId": sim.seed.portal_id,
        "accountType": "STANDARD",
        "timeZone": sim.seed.time_zone,
        "companyCurrency": sim.seed.company_currency,
        "additionalCurrencies": [],
        "utcOffset": "-05:00",
        "utcOffsetMilliseconds": -18_000_000,
        "uiDomain": "app.hubspot.com",
        "dataHostingLocation": "na1",
    }))
    .into_response()
}

pub async fn create_group(
    State(sim): State<Shared<Sim>>,
    Path(object): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, Some(&object)) {
        return e;
    }
    let (Some(name), Some(_label)) = (body["name"].as_str(), body["label"].as_str()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "name and label are required",
        );
    };
    let groups = sim.groups.entry(object).or_default();
    if groups.contains_key(name) {
        return error(
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            &format!("A property group named '{name}' already exists."),
        );
    }
    groups.insert(name.to_string(), body.clone());
    (StatusCode::CREATED, Json(body)).into_response()
}

pub async fn list_groups(
    State(sim): State<Shared<Sim>>,
    Path(object): Path<String>,
    headers: HeaderMap,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, Some(&object)) {
        return e;
    }
    let results: Vec<&Value> = sim
        .groups
        .get(&object)
        .map(|g| g.values().collect())
        .unwrap_or_default();
    Json(json!({ "results": results })).into_response()
}

pub async fn create_property(
    State(sim): State<Shared<Sim>>,
    Path(object): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, Some(&object)) {
        return e;
    }
    let field = |k: &str| body[k].as_str().unwrap_or("");
    let (name, kind, field_type, group) = (
        field("name"),
        field("type"),
        field("fieldType"),
        field("groupName"),
    );
    if name.is_empty() || field("label").is_empty() || group.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "name, label, type, fieldType and groupName are required",
        );
    }
    if !TYPES
        .iter()
        .any(|(t, fields)| *t == kind && fields.contains(&field_type))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &format!("fieldType {field_type} is not valid for type {kind}"),
        );
    }
    if !sim
        .groups
        .get(&object)
        .is_some_and(|g| g.contains_key(group))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &format!("property group {group} does not exist"),
        );
    }
    let properties = sim.properties.entry(object).or_default();
    if properties.contains_key(name) {
        return error(
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            &format!("Property named '{name}' already exists."),
        );
    }
    let mut stored = body.clone();
    stored["hasUniqueValue"] = json!(body["hasUniqueValue"].as_bool().unwrap_or(false));
    properties.insert(name.to_string(), stored.clone());
    (StatusCode::CREATED, Json(stored)).into_response()
}

pub async fn list_properties(
    State(sim): State<Shared<Sim>>,
    Path(object): Path<String>,
    headers: HeaderMap,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, Some(&object)) {
        return e;
    }
    let results: Vec<&Value> = sim
        .properties
        .get(&object)
        .map(|p| p.values().collect())
        .unwrap_or_default();
    Json(json!({ "results": results })).into_response()
}

pub async fn get_property(
    State(sim): State<Shared<Sim>>,
    Path((object, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    if let Some(e) = refusal(&sim, &headers, Some(&object)) {
        return e;
    }
    match sim.properties.get(&object).and_then(|p| p.get(&name)) {
        Some(p) => Json(p.clone()).into_response(),
        None => not_found(),
    }
}

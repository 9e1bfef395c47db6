//! The Accounting API under `/v3/company/{realmId}/` (quickbooks-api.md §2, §7, §8): bearer auth with the
//! lower-case `fault` on failure, the `Fault` envelope for everything else, timestamps in the company's offset.

use crate::state::Sim;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};
use sim_kit::Shared;

/// `Fault` envelope with one error.
pub fn fault(
    status: StatusCode,
    kind: &str,
    code: &str,
    message: &str,
    detail: &str,
    time: &str,
) -> Response {
    let body = json!({
        "Fault": {"Error": [{"Message": message, "Detail": detail, "code": code, "element": ""}], "type": kind},
        "time": time,
    });
    (status, Json(body)).into_response()
}

/// The 401 of an expired, revoked or unknown token: lower-case keys (quickbooks-api.md §8).
fn auth_fault() -> Response {
    let body = json!({"fault": {"error": [{
        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "detail": "Token expired: the access token is invalid, expired or revoked",
        "code": "3200"
    }], "type": "AUTHENTICATION"}});
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

/// `now` in the company's UTC offset, as QuickBooks writes times.
pub fn company_time(sim: &Sim, realm: &str, now: DateTime<Utc>) -> String {
    let offset = sim
        .companies
        .get(realm)
        .and_then(|c| parse_offset(&c.seed.utc_offset))
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    now.with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        .to_string()
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let (h, m) = s.trim_start_matches(['+', '-']).split_once(':')?;
    FixedOffset::east_opt(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
}

/// Entity path names and their JSON type names (`/invoice/7` answers `{"Invoice": …}`).
const ENTITIES: &[(&str, &str)] = &[
    ("customer", "Customer"),
    ("item", "Item"),
    ("invoice", "Invoice"),
    ("estimate", "Estimate"),
    ("salesreceipt", "SalesReceipt"),
    ("payment", "Payment"),
    ("term", "Term"),
    ("taxcode", "TaxCode"),
    ("taxrate", "TaxRate"),
    ("account", "Account"),
];

pub async fn company(
    State(sim): State<Shared<Sim>>,
    Path((realm, rest)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
    body: String,
) -> Response {
    let sim = sim.lock().expect("sim lock");
    let now = sim.now();
    let time = company_time(&sim, &realm, now);
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(access) = bearer.and_then(|t| sim.access_tokens.get(t.trim())) else {
        return auth_fault();
    };
    if access.expires_at <= now {
        return auth_fault();
    }
    if access.realm_id != realm {
        return fault(
            StatusCode::FORBIDDEN,
            "AUTHORIZATION",
            "3100",
            "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
            "The token does not belong to this company",
            &time,
        );
    }
    let Some(company) = sim.companies.get(&realm) else {
        return fault(
            StatusCode::FORBIDDEN,
            "AUTHORIZATION",
            "3100",
            "ApplicationAuthorizationFailed",
            "Unknown company",
            &time,
        );
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["companyinfo", id]) if *id == realm => {
            Json(json!({"CompanyInfo": company.seed.company_info, "time": time})).into_response()
        }
        ("GET", ["preferences"]) => {
            Json(json!({"Preferences": company.seed.preferences, "time": time})).into_response()
        }
        ("GET", ["query"]) => {
            let statement = url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            query(company, &statement, &time)
        }
        // QuickBooks takes the statement as the body with Content-Type application/text.
        ("POST", ["query"]) => query(company, &body, &time),
        ("GET", [entity, id]) => match ENTITIES.iter().find(|(path, _)| path == entity) {
            Some((_, name)) => {
                let found = company.seed.entities.get(*name).and_then(|list| {
                    list.iter()
                        .find(|e| e.get("Id").and_then(Value::as_str) == Some(id))
                });
                match found {
                    Some(e) => Json(json!({ *name: e, "time": time })).into_response(),
                    None => fault(
                        StatusCode::BAD_REQUEST,
                        "ValidationFault",
                        "610",
                        "Object Not Found",
                        &format!("Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. ({name} {id})"),
                        &time,
                    ),
                }
            }
            None => unsupported(&time),
        },
        _ => unsupported(&time),
    }
}

/// Runs a query statement against the company's records (quickbooks-api.md §4).
fn query(company: &crate::state::Company, statement: &str, time: &str) -> Response {
    let q = match crate::query::parse(statement) {
        Ok(q) => q,
        Err(e) => {
            return fault(
                StatusCode::BAD_REQUEST,
                "ValidationFault",
                "4000",
                "Error parsing query",
                &format!("QueryParserError: {e}"),
                time,
            )
        }
    };
    let records = company
        .seed
        .entities
        .get(&q.entity)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let (page, total) = crate::query::run(&q, records);
    let response = if q.count {
        json!({ "totalCount": total })
    } else if page.is_empty() {
        json!({})
    } else {
        json!({ q.entity.as_str(): page, "startPosition": q.start, "maxResults": page.len() })
    };
    Json(json!({ "QueryResponse": response, "time": time })).into_response()
}

fn unsupported(time: &str) -> Response {
    fault(
        StatusCode::BAD_REQUEST,
        "ValidationFault",
        "500",
        "Unsupported Operation",
        "Operation is not supported",
        time,
    )
}

/// Any path outside the simulated hosts' APIs.
pub async fn unknown_path() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "not_found", "error_description": "no such endpoint"})),
    )
        .into_response()
}

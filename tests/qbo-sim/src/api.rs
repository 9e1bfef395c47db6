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
    let mut sim = sim.lock().expect("sim lock");
    let now = sim.now();
    let time = company_time(&sim, &realm, now);
    let offset = sim
        .companies
        .get(&realm)
        .and_then(|c| parse_offset(&c.seed.utc_offset));
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
    let token_realm = access.realm_id.clone();
    if token_realm != realm {
        return fault(
            StatusCode::FORBIDDEN,
            "AUTHORIZATION",
            "3100",
            "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
            "The token does not belong to this company",
            &time,
        );
    }
    let Some(company) = sim.companies.get_mut(&realm) else {
        return fault(
            StatusCode::FORBIDDEN,
            "AUTHORIZATION",
            "3100",
            "ApplicationAuthorizationFailed",
            "Unknown company",
            &time,
        );
    };
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let ctx = crate::writes::Ctx {
        now,
        time: time.clone(),
        today: now
            .with_timezone(&offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC")))
            .date_naive(),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["batch"]) => batch(company, &body, &ctx),
        ("POST", [entity]) if *entity != "query" => {
            let Some((_, name)) = ENTITIES.iter().find(|(path, _)| path == entity) else {
                return unsupported(&time);
            };
            write(company, name, &params, &body, &ctx)
        }
        ("POST", ["invoice", id, "send"]) => {
            let sent = crate::writes::send(company, id, params.get("sendTo").cloned(), &ctx);
            answer(sent.map(|v| json!({"Invoice": v})), &time)
        }
        ("GET", ["invoice", id, "pdf"]) => match company.find("Invoice", id) {
            Some(invoice) => (
                StatusCode::OK,
                [("content-type", "application/pdf")],
                crate::pdf::invoice(invoice),
            )
                .into_response(),
            None => not_found("Invoice", id, &time),
        },
        ("GET", ["cdc"]) => cdc(company, &params, &ctx),
        ("GET", ["companyinfo", id]) if *id == realm => {
            Json(json!({"CompanyInfo": company.seed.company_info, "time": time})).into_response()
        }
        ("GET", ["preferences"]) => {
            Json(json!({"Preferences": company.seed.preferences, "time": time})).into_response()
        }
        ("GET", ["query"]) => query(
            company,
            params.get("query").map(String::as_str).unwrap_or(""),
            &time,
        ),
        // QuickBooks takes the statement as the body with Content-Type application/text.
        ("POST", ["query"]) => query(company, &body, &time),
        ("GET", [entity, id]) => match ENTITIES.iter().find(|(path, _)| path == entity) {
            Some((_, name)) => match company.find(name, id) {
                Some(e) => Json(json!({ *name: e, "time": time })).into_response(),
                None => not_found(name, id, &time),
            },
            None => unsupported(&time),
        },
        _ => unsupported(&time),
    }
}

fn not_found(entity: &str, id: &str, time: &str) -> Response {
    fault(
        StatusCode::BAD_REQUEST,
        "ValidationFault",
        "610",
        "Object Not Found",
        &format!("Object Not Found : Something you're trying to use has been made inactive or deleted. ({entity} {id})"),
        time,
    )
}

/// A write's answer: the entity envelope, or its fault envelope.
fn outcome(result: Result<Value, crate::writes::Fault>, time: &str) -> (StatusCode, Value) {
    match result {
        Ok(mut envelope) => {
            envelope["time"] = json!(time);
            (StatusCode::OK, envelope)
        }
        Err(f) => (
            StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST),
            json!({
                "Fault": {"Error": [{"Message": f.message, "Detail": f.detail, "code": f.code, "element": ""}], "type": "ValidationFault"},
                "time": time,
            }),
        ),
    }
}

fn answer(result: Result<Value, crate::writes::Fault>, time: &str) -> Response {
    let (status, body) = outcome(result, time);
    (status, Json(body)).into_response()
}

/// Create, sparse update, void or delete, replayed by `requestid` (quickbooks-api.md §7).
fn write(
    company: &mut crate::state::Company,
    entity: &str,
    params: &std::collections::HashMap<String, String>,
    body: &str,
    ctx: &crate::writes::Ctx,
) -> Response {
    let request_id = params.get("requestid").cloned();
    if let Some((status, reply)) = request_id.as_ref().and_then(|r| company.replies.get(r)) {
        return (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
            Json(reply.clone()),
        )
            .into_response();
    }
    let result = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(fields)) => {
            let is_update = fields.contains_key("Id");
            match params.get("operation").map(String::as_str) {
                Some("void") if entity == "Invoice" => {
                    crate::writes::void(company, entity, fields, ctx)
                }
                Some("delete") if entity != "Customer" && entity != "Item" => {
                    crate::writes::delete(company, entity, fields, ctx)
                }
                Some(_) => Err(unsupported_operation()),
                None if is_update => crate::writes::update(company, entity, fields, ctx),
                None => crate::writes::create(company, entity, fields, ctx),
            }
        }
        _ => Err(crate::writes::Fault {
            status: 400,
            code: "2010",
            message: "Request has invalid or unsupported property",
            detail: "The request body is not a JSON object".into(),
        }),
    };
    let (status, reply) = outcome(result.map(|v| json!({ entity: v })), &ctx.time);
    if let Some(request_id) = request_id {
        company
            .replies
            .insert(request_id, (status.as_u16(), reply.clone()));
    }
    (status, Json(reply)).into_response()
}

/// Changes since `changedSince` (at most 30 days back) for the listed entities, deletes included (§5).
fn cdc(
    company: &crate::state::Company,
    params: &std::collections::HashMap<String, String>,
    ctx: &crate::writes::Ctx,
) -> Response {
    let since = params
        .get("changedSince")
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    let Some(since) = since.filter(|s| ctx.now - *s <= chrono::Duration::days(30)) else {
        return fault(
            StatusCode::BAD_REQUEST,
            "ValidationFault",
            "2020",
            "Required param missing, need to supply the required value for the API",
            "changedSince is required and must be within the last 30 days",
            &ctx.time,
        );
    };
    let mut responses = Vec::new();
    for entity in params
        .get("entities")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
        .filter(|e| !e.is_empty())
    {
        let Some(name) = crate::query::ENTITIES
            .iter()
            .find(|e| e.eq_ignore_ascii_case(entity.trim()))
        else {
            return unsupported(&ctx.time);
        };
        let updated = |r: &&Value| {
            r["MetaData"]["LastUpdatedTime"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t.with_timezone(&Utc) >= since)
        };
        let mut changed: Vec<Value> = company
            .records(name)
            .iter()
            .filter(updated)
            .cloned()
            .collect();
        changed.extend(company.deleted.iter().filter(|(e, _, at)| e == name && *at >= since).map(|(_, id, _)| {
            json!({"Id": id, "status": "Deleted", "domain": "QBO", "MetaData": {"LastUpdatedTime": ctx.time}})
        }));
        let count = changed.len();
        responses.push(if count == 0 {
            json!({})
        } else {
            json!({ *name: changed, "startPosition": 1, "maxResults": count, "totalCount": count })
        });
    }
    Json(json!({"CDCResponse": [{"QueryResponse": responses}], "time": ctx.time})).into_response()
}

/// Runs a query statement against the company's records (quickbooks-api.md §4).
fn query(company: &crate::state::Company, statement: &str, time: &str) -> Response {
    answer(
        query_result(company, statement).map(|r| json!({ "QueryResponse": r })),
        time,
    )
}

/// The `QueryResponse` of a statement, or the parse fault (code 4000).
fn query_result(
    company: &crate::state::Company,
    statement: &str,
) -> Result<Value, crate::writes::Fault> {
    let q = crate::query::parse(statement).map_err(|e| crate::writes::Fault {
        status: 400,
        code: "4000",
        message: "Error parsing query",
        detail: format!("QueryParserError: {e}"),
    })?;
    let (page, total) = crate::query::run(&q, company.records(&q.entity));
    Ok(if q.count {
        json!({ "totalCount": total })
    } else if page.is_empty() {
        json!({})
    } else {
        json!({ q.entity.as_str(): page, "startPosition": q.start, "maxResults": page.len() })
    })
}

/// Batch: items run in order, each answered in place, faults included, inside a 200 (quickbooks-api.md §7).
fn batch(company: &mut crate::state::Company, body: &str, ctx: &crate::writes::Ctx) -> Response {
    let items = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["BatchItemRequest"].as_array().cloned())
        .unwrap_or_default();
    if items.is_empty() || items.len() > BATCH_MAX {
        return fault(
            StatusCode::BAD_REQUEST,
            "ValidationFault",
            "1040",
            "Batch size exceeds allowed limit",
            &format!(
                "a batch holds 1 to {BATCH_MAX} items; {} were sent",
                items.len()
            ),
            &ctx.time,
        );
    }
    let mut responses = Vec::new();
    for item in items {
        let b_id = item["bId"].clone();
        let result = if let Some(statement) = item["Query"].as_str() {
            query_result(company, statement).map(|r| json!({ "QueryResponse": r }))
        } else {
            let entity = ENTITIES
                .iter()
                .map(|(_, name)| *name)
                .find(|name| item.get(*name).is_some());
            match (
                entity,
                item[entity.unwrap_or_default()].as_object().cloned(),
            ) {
                (Some(entity), Some(fields)) => {
                    let done = match (item["operation"].as_str(), item["optionsData"].as_str()) {
                        (Some("create"), _) => crate::writes::create(company, entity, fields, ctx),
                        (Some("update"), Some("void")) => {
                            crate::writes::void(company, entity, fields, ctx)
                        }
                        (Some("update"), _) => crate::writes::update(company, entity, fields, ctx),
                        (Some("delete"), _) => crate::writes::delete(company, entity, fields, ctx),
                        _ => Err(unsupported_operation()),
                    };
                    done.map(|v| json!({ entity: v }))
                }
                _ => Err(unsupported_operation()),
            }
        };
        let mut response = match result {
            Ok(v) => v,
            Err(f) => {
                json!({"Fault": {"type": "ValidationFault", "Error": [{"Message": f.message, "Detail": f.detail, "code": f.code, "element": ""}]}})
            }
        };
        response["bId"] = b_id;
        responses.push(response);
    }
    Json(json!({"BatchItemResponse": responses, "time": ctx.time})).into_response()
}

/// The most items a batch takes (quickbooks-api.md §7: limits page, 30).
const BATCH_MAX: usize = 30;

fn unsupported_operation() -> crate::writes::Fault {
    crate::writes::Fault {
        status: 400,
        code: "500",
        message: "Unsupported Operation",
        detail: "Operation is not supported".into(),
    }
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

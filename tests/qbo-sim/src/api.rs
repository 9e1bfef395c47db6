//! The Accounting API under `/v3/company/{realmId}/` (quickbooks-api.md §2–§5, §7, §8): bearer auth (the
//! lower-case `fault` on failure), then reads, queries, CDC, batch and writes, each answered with its
//! entity envelope or the `Fault` envelope, times in the company's offset.

use crate::clock::Moment;
use crate::faults::{self, Fault};
use crate::rules::Options;
use crate::state::{Company, Sim};
use crate::wire;
use crate::writes::{self, Operation};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;
use std::collections::HashMap;

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

fn entity_named(path: &str) -> Option<&'static str> {
    ENTITIES.iter().find(|(p, _)| *p == path).map(|(_, n)| *n)
}

pub async fn company(
    State(sim): State<Shared<Sim>>,
    Path((realm, rest)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
    body: String,
) -> Response {
    let mut sim = sim_kit::lock(&sim);
    let at = sim.moment(&realm);
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(access) = bearer.and_then(|t| sim.access_tokens.get(t)) else {
        return faults::authentication();
    };
    if access.expires_at <= at.now {
        return faults::authentication();
    }
    if access.realm_id != realm {
        return faults::foreign_company();
    }
    let Some(company) = sim.companies.get_mut(&realm) else {
        return faults::foreign_company();
    };
    // `minorversion` is accepted and ignored: every request is served as 75 (quickbooks-api.md §7).
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let segments: Vec<&str> = rest.split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["companyinfo", id]) if *id == realm => {
            envelope("CompanyInfo", &company.seed.company_info, &at)
        }
        ("GET", ["preferences"]) => envelope("Preferences", &company.seed.preferences, &at),
        ("GET", ["query"]) => crate::query::answer(
            company,
            params.get("query").map(String::as_str).unwrap_or_default(),
            &at,
        ),
        // QuickBooks also takes the statement as the body, Content-Type application/text (§4).
        ("POST", ["query"]) => crate::query::answer(company, &body, &at),
        ("GET", ["cdc"]) => respond(crate::cdc::response(company, &params, &at), &at),
        ("POST", ["batch"]) => respond(crate::batch::response(company, &body, &at), &at),
        ("GET", ["invoice", id, "pdf"]) => match company.find("Invoice", id) {
            Some(invoice) => (
                [("content-type", "application/pdf")],
                crate::pdf::invoice(invoice),
            )
                .into_response(),
            None => Fault::not_found("Invoice", id).response(&at),
        },
        ("POST", ["invoice", id, "send"]) => replayed(company, &params, &at, |company| {
            writes::send(company, id, params.get("sendTo").map(String::as_str), &at)
                .map(|invoice| json!({ "Invoice": invoice }))
        }),
        ("GET", [path, id]) => match entity_named(path) {
            Some(entity) => match company.find(entity, id) {
                Some(record) => envelope(entity, record, &at),
                None => Fault::not_found(entity, id).response(&at),
            },
            None => unsupported(&method, &rest, &at),
        },
        ("POST", [path]) => match entity_named(path) {
            Some(entity) => write(company, entity, &params, &body, &at),
            None => unsupported(&method, &rest, &at),
        },
        _ => unsupported(&method, &rest, &at),
    }
}

fn envelope(entity: &str, record: &Value, at: &Moment) -> Response {
    wire::answer(
        StatusCode::OK,
        &json!({ entity: record, "time": at.time() }),
    )
}

/// An answer body with its `time`, or the fault.
fn respond(result: Result<Value, Fault>, at: &Moment) -> Response {
    match result {
        Ok(body) => wire::answer(StatusCode::OK, &body),
        Err(fault) => fault.response(at),
    }
}

fn unsupported(method: &Method, rest: &str, at: &Moment) -> Response {
    Fault::unsupported(format!("Operation {method} /{rest} is not supported")).response(at)
}

/// A write, answered once per `requestid`.
fn replayed(
    company: &mut Company,
    params: &HashMap<String, String>,
    at: &Moment,
    write: impl FnOnce(&mut Company) -> Result<Value, Fault>,
) -> Response {
    let (status, body) = writes::once(
        company,
        params.get("requestid").map(String::as_str),
        |company| match write(company) {
            Ok(mut body) => {
                body["time"] = json!(at.time());
                (StatusCode::OK, body)
            }
            Err(fault) => (fault.status, fault.envelope(at)),
        },
    );
    wire::answer(status, &body)
}

/// `POST …/{entity}`: a create, or an update when the body has an `Id`; `operation=update|delete|void`,
/// `include=void` (payments, sales receipts), `include=allowduplicatedocnum`.
fn write(
    company: &mut Company,
    entity: &str,
    params: &HashMap<String, String>,
    body: &str,
    at: &Moment,
) -> Response {
    let include = params
        .get("include")
        .map(String::as_str)
        .unwrap_or_default();
    let options = Options {
        allow_duplicate_doc_numbers: include.eq_ignore_ascii_case("allowduplicatedocnum"),
    };
    replayed(company, params, at, |company| {
        let body = wire::parse(body)
            .map_err(|e| Fault::invalid_body(format!("The request body is not JSON: {e}")))?;
        let op = match params.get("operation").map(String::as_str) {
            Some("delete") => Operation::Delete,
            Some("void") => Operation::Void,
            Some("update") | None if include == "void" => Operation::Void,
            Some("update") => Operation::Update,
            None if body.get("Id").is_some() => Operation::Update,
            None => Operation::Create,
            Some(other) => {
                return Err(Fault::unsupported(format!(
                    "operation={other} is not supported"
                )))
            }
        };
        let record = writes::perform(company, entity, op, body, at, options)?;
        Ok(json!({ entity: record }))
    })
}

/// Any path outside the simulated hosts' APIs: an error, never an empty success.
pub async fn unknown_path(method: Method, uri: axum::http::Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "not_found", "error_description": format!("no such endpoint: {method} {}", uri.path())})),
    )
        .into_response()
}

//! Workflow custom actions: HubSpot POSTs signed JSON to `/actions/...`: executions of "Create QuickBooks
//! invoice / estimate / sales receipt" and option fetches for their fields (hubspot-api.md §4).

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::actions::{execute, tax_code_options, Execution};
use shared::connections::{companies_of_installed_portal, Status};
use shared::quickbooks::entities::DocType;
use shared::{http, App, AppError};

/// What every HubSpot action request carries: the portal it comes from (hubspot-api.md §4).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Origin {
    portal_id: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    origin: Origin,
    #[serde(default)]
    input_fields: serde_json::Map<String, serde_json::Value>,
}

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    http::respond(&req, route(app, &req)).await
}

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let now = Utc::now();
    let doc_type = match req.uri().path() {
        "/actions/invoice" => Some(DocType::Invoice),
        "/actions/estimate" => Some(DocType::Estimate),
        "/actions/sales-receipt" => Some(DocType::SalesReceipt),
        _ => None,
    };
    let secret = &app.credentials.hubspot_client_secret;
    // Executions may come signed v2 only (their callbackId makes a replay harmless); option fetches, which
    // have no such guard, need v3 and its timestamp.
    if doc_type.is_some() {
        http::verify_hubspot_execution(&app.config, secret, req, now.timestamp_millis())?;
    } else {
        http::verify_hubspot(&app.config, secret, req, now.timestamp_millis())?;
    }
    // Parsed once: the envelope names the portal, the same value then reads as the execution.
    let body: serde_json::Value = serde_json::from_slice(http::body_bytes(req)?)
        .map_err(|e| AppError::BadRequest(format!("the body is not JSON: {e}")))?;
    let envelope = Envelope::deserialize(&body).map_err(|e| {
        AppError::BadRequest(format!("the body is not a HubSpot action request: {e}"))
    })?;
    let portal_id = envelope.origin.portal_id;
    http::record_portal(portal_id);
    match (req.method().as_str(), req.uri().path(), doc_type) {
        ("POST", _, Some(doc_type)) => {
            let execution = Execution::deserialize(&body).map_err(|e| {
                AppError::BadRequest(format!("the body is not a workflow execution: {e}"))
            })?;
            match execute(app, doc_type, &execution).await {
                Ok(answer) => Ok(http::json(200, &answer)),
                // Transient: 503 makes HubSpot retry later (a 429's Retry-After unit is ambiguous, §4).
                Err(e) if e.code().is_transient() => {
                    tracing::warn!(error = %e, "execution failed for now; HubSpot will retry it");
                    Err(AppError::Busy(e.public_message()))
                }
                Err(e) => Err(e),
            }
        }
        ("POST", "/actions/options/companies", _) => {
            // Only companies that can take a document now; a reconnect-needed one would fail every run.
            let companies =
                companies_of_installed_portal(&app.store, portal_id, now.timestamp()).await?;
            let options: Vec<_> = companies
                .iter()
                .filter(|c| c.status == Status::Active)
                .map(|c| serde_json::json!({ "label": c.profile.name, "value": c.realm_id }))
                .collect();
            Ok(http::json(
                200,
                &serde_json::json!({ "options": options, "searchable": false }),
            ))
        }
        ("POST", "/actions/options/taxcodes", _) => {
            // The chosen company comes with the request's other input fields.
            let realm = envelope
                .input_fields
                .get("realmId")
                .and_then(|f| f.get("value").or(Some(f)))
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let Some(realm) = realm else {
                return Ok(http::json(200, &serde_json::json!({ "options": [] })));
            };
            let options = tax_code_options(app, portal_id, &realm).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "options": options, "searchable": false }),
            ))
        }
        (_, "/actions/options/companies" | "/actions/options/taxcodes", _) | (_, _, Some(_)) => {
            Err(http::no_route(req, &["POST"]))
        }
        _ => Err(http::no_route(req, &[])),
    }
}

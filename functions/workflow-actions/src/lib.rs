//! Workflow custom actions: HubSpot POSTs signed JSON to `/actions/...`: executions of "Create QuickBooks
//! invoice / estimate / sales receipt" and option fetches for their fields (hubspot-api.md §4).

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::actions::{execute, tax_code_options, Execution};
use shared::connections::{companies_of_installed_portal, Status};
use shared::http::{self, Route, Routes, Signature, SignedRequest};
use shared::quickbooks::entities::DocType;
use shared::{App, AppError};

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

/// What serves an action path: an execution of one of the three actions, or an option fetch for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Execute(DocType),
    CompanyOptions,
    TaxCodeOptions,
}

static ROUTES: Routes<Action> = Routes::new(&[
    Route::post("/actions/invoice", Action::Execute(DocType::Invoice)),
    Route::post("/actions/estimate", Action::Execute(DocType::Estimate)),
    Route::post(
        "/actions/sales-receipt",
        Action::Execute(DocType::SalesReceipt),
    ),
    Route::post("/actions/options/companies", Action::CompanyOptions),
    Route::post("/actions/options/taxcodes", Action::TaxCodeOptions),
]);

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let route = ROUTES.resolve(req);
    let handler = match &route {
        Ok(found) => Some(found.handler),
        Err(miss) => miss.path_handler(),
    };
    // Executions may come signed v2 only (their callbackId makes a replay harmless); option fetches, which
    // have no such guard, need v3 and its timestamp. Verified before a 404 or 405, like the rest.
    let signature = match handler {
        Some(Action::Execute(_)) => Signature::V3OrV2,
        _ => Signature::V3,
    };
    let signed = SignedRequest::verify(app, req, signature)?;
    // Parsed once: the envelope names the portal, the same value then reads as the execution.
    let body: serde_json::Value = serde_json::from_slice(http::body_bytes(req)?)
        .map_err(|e| AppError::BadRequest(format!("the body is not JSON: {e}")))?;
    let envelope = Envelope::deserialize(&body).map_err(|e| {
        AppError::BadRequest(format!("the body is not a HubSpot action request: {e}"))
    })?;
    let caller = signed.caller(envelope.origin.portal_id);
    let (portal_id, now) = (caller.portal_id, caller.now);
    let action = match route {
        Ok(found) => found.handler,
        Err(miss) => return Ok(miss.answer()),
    };
    match action {
        Action::Execute(doc_type) => {
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
        Action::CompanyOptions => {
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
        Action::TaxCodeOptions => {
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
    }
}

//! Workflow custom actions: HubSpot POSTs signed JSON to `/actions/...` (executions and option fetches).

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::connections::{companies_of_installed_portal, Status};
use shared::{http, App, AppError};

/// What every HubSpot action request carries: the portal it comes from (hubspot-api.md §4).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Origin {
    portal_id: u64,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    origin: Origin,
}

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    http::respond(&req, route(app, &req)).await
}

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let now = Utc::now();
    http::verify_hubspot(
        &app.config,
        &app.credentials.hubspot_client_secret,
        req,
        now.timestamp_millis(),
    )?;
    let envelope: Envelope = serde_json::from_slice(http::body_bytes(req)?).map_err(|e| {
        AppError::BadRequest(format!("the body is not a HubSpot action request: {e}"))
    })?;
    let portal_id = envelope.origin.portal_id;
    http::record_portal(portal_id);
    match (req.method().as_str(), req.uri().path()) {
        ("POST", "/actions/options/companies") => {
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
        (_, "/actions/options/companies") => Err(http::no_route(req, &["POST"])),
        _ => Err(http::no_route(req, &[])),
    }
}

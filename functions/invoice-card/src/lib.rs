//! The invoice card's backend: JSON routes under `/card/` for the React app card, every one called through
//! `hubspot.fetch` and verified with `X-HubSpot-Signature-v3`.

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use shared::connections::company_summaries;
use shared::{http, App, AppError};

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    http::respond(&req, route(app, &req)).await
}

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let now = Utc::now();
    // Verify before routing: an unsigned caller learns nothing, not even which paths exist.
    http::verify_hubspot(
        &app.config,
        &app.credentials.hubspot_client_secret,
        req,
        now.timestamp_millis(),
    )?;
    let portal_id = http::signed_portal_id(req)?;
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/card/companies") => {
            let companies = company_summaries(&app.store, portal_id, now.timestamp()).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "companies": companies }),
            ))
        }
        (_, "/card/companies") => Err(http::no_route(req, &["GET"])),
        _ => Err(http::no_route(req, &[])),
    }
}

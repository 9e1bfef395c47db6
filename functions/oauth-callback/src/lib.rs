//! The OAuth callback function: the browser-facing install and connect redirects under `/oauth/`, and the
//! signed connections API under `/connections` that the settings page and the card call.

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use shared::connections::company_summaries;
use shared::{http, App, AppError};

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    http::respond(route(app, &req)).await
}

async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let path = req.uri().path();
    if path == "/connections" || path.starts_with("/connections/") {
        return connections(app, req).await;
    }
    Err(http::no_route(req, &[]))
}

async fn connections(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let now = Utc::now();
    http::verify_hubspot(
        &app.config,
        &app.credentials.hubspot_client_secret,
        req,
        now.timestamp_millis(),
    )?;
    let portal_id = http::signed_portal_id(req)?;
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/connections") => {
            let companies = company_summaries(&app.store, portal_id, now.timestamp()).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "companies": companies }),
            ))
        }
        (_, "/connections") => Err(http::no_route(req, &["GET"])),
        _ => Err(http::no_route(req, &[])),
    }
}

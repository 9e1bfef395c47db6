//! The OAuth callback function: the browser legs of installing the HubSpot app and connecting QuickBooks
//! companies under `/oauth/`, and the signed connections API under `/connections` that the settings page and
//! the card call, and the account's settings under `/settings`.

mod browser;
mod connections;

use lambda_http::{Body, Request, Response};
use shared::settings::Settings;
use shared::{http, App, AppError};

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    let path = req.uri().path();
    if path == "/connections" || path.starts_with("/connections/") {
        return http::respond(&req, connections::route(app, &req)).await;
    }
    if path == "/settings" {
        return http::respond(&req, settings(app, &req)).await;
    }
    use tracing::Instrument;
    Ok(browser::route(app, &req)
        .instrument(http::request_span(&req))
        .await)
}

/// The account's workflow-action behaviour (W4, W5): `GET` reads it, `PUT` replaces it (signed, like the
/// connections API).
async fn settings(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    http::verify_hubspot(
        &app.config,
        &app.credentials.hubspot_client_secret,
        req,
        chrono::Utc::now().timestamp_millis(),
    )?;
    let portal_id = http::signed_portal_id(req)?;
    shared::installs::Install::require(&app.store, portal_id, chrono::Utc::now().timestamp())
        .await?;
    match req.method().as_str() {
        "GET" => Ok(http::json(
            200,
            &Settings::load(&app.store, portal_id).await?,
        )),
        "PUT" => {
            let settings = Settings::from_request(http::body_bytes(req)?)?;
            settings.save(&app.store, portal_id).await?;
            Ok(http::json(200, &settings))
        }
        _ => Err(http::no_route(req, &["GET", "PUT"])),
    }
}

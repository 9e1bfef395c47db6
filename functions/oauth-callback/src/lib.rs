//! The OAuth callback function: the browser legs of installing the HubSpot app and connecting QuickBooks
//! companies under `/oauth/`, and the signed connections API under `/connections` that the settings page and
//! the card call, and the account's settings under `/settings`.

mod browser;
mod connections;

use lambda_http::{Body, Request, Response};
use shared::documents::company::Company;
use shared::documents::items::income_accounts;
use shared::settings::Settings;
use shared::{http, App, AppError};

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    let path = req.uri().path();
    if path == "/connections" || path.starts_with("/connections/") {
        return http::respond(&req, connections::route(app, &req)).await;
    }
    if path == "/settings" || path.starts_with("/settings/") {
        return http::respond(&req, settings(app, &req)).await;
    }
    use tracing::Instrument;
    Ok(browser::route(app, &req)
        .instrument(http::request_span(&req))
        .await)
}

/// The account's behaviour settings (W4, W5, B4): `GET` reads them, `PUT` replaces them, and
/// `GET /settings/income-accounts?realmId=` lists a company's income accounts to choose from (signed, like
/// the connections API).
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
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/settings") => Ok(http::json(
            200,
            &Settings::load(&app.store, portal_id).await?,
        )),
        ("PUT", "/settings") => {
            let settings = Settings::from_request(http::body_bytes(req)?)?;
            settings.save_checked(app, portal_id).await?;
            Ok(http::json(200, &settings))
        }
        (_, "/settings") => Err(http::no_route(req, &["GET", "PUT"])),
        ("GET", "/settings/income-accounts") => {
            let realm_id = http::required_param(req, "realmId")?;
            let company = Company::open(app, portal_id, &realm_id).await?;
            let accounts: Vec<_> = income_accounts(app, &company)
                .await?
                .into_iter()
                .map(|a| serde_json::json!({ "id": a.id, "name": a.name }))
                .collect();
            Ok(http::json(
                200,
                &serde_json::json!({ "accounts": accounts }),
            ))
        }
        (_, "/settings/income-accounts") => Err(http::no_route(req, &["GET"])),
        _ => Err(http::no_route(req, &[])),
    }
}

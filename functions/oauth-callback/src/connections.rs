//! The signed connections API (C3): list, get a connect URL, disconnect, reconnect.

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::connections::{company_summaries, CompanySummary, Environment};
use shared::{connect, http, App, AppError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectRequest {
    environment: Environment,
}

pub async fn route(app: &App, req: &Request) -> Result<Response<Body>, AppError> {
    let now = Utc::now();
    http::verify_hubspot(
        &app.config,
        &app.credentials.hubspot_client_secret,
        req,
        now.timestamp_millis(),
    )?;
    let portal_id = http::signed_portal_id(req)?;
    let base = http::public_base(&app.config, req)?;
    let path = req.uri().path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let Some(realm_id) = segments.get(1).filter(|s| **s != "connect-url") {
        http::record_realm(realm_id);
    }
    match (req.method().as_str(), segments.as_slice()) {
        ("GET", ["connections"]) => {
            let companies = company_summaries(&app.store, portal_id, now.timestamp()).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "companies": companies }),
            ))
        }
        (_, ["connections"]) => Err(http::no_route(req, &["GET"])),
        ("POST", ["connections", "connect-url"]) => {
            let body: ConnectRequest =
                serde_json::from_slice(http::body_bytes(req)?).map_err(|e| {
                    AppError::BadRequest(format!(
                        r#"expected {{"environment": "production" | "sandbox"}}: {e}"#
                    ))
                })?;
            let url =
                connect::quickbooks_connect_url(app, &base, portal_id, body.environment, None, now)
                    .await?;
            Ok(http::json(200, &serde_json::json!({ "url": url })))
        }
        ("DELETE", ["connections", realm_id]) => {
            let connection = connect::disconnect(app, portal_id, realm_id, now).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "company": CompanySummary::from(&connection) }),
            ))
        }
        ("POST", ["connections", realm_id, "reconnect"]) => {
            let url =
                connect::quickbooks_reconnect_url(app, &base, portal_id, realm_id, now).await?;
            Ok(http::json(200, &serde_json::json!({ "url": url })))
        }
        (_, ["connections", "connect-url"]) | (_, ["connections", _, "reconnect"]) => {
            Err(http::no_route(req, &["POST"]))
        }
        (_, ["connections", _]) => Err(http::no_route(req, &["DELETE"])),
        _ => Err(http::no_route(req, &[])),
    }
}

//! The signed connections API (C3): list, get a connect URL, disconnect, reconnect.

use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use shared::connections::{company_summaries, CompanySummary, Environment};
use shared::http::{self, Params, VerifiedCaller};
use shared::{connect, App, AppError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connections {
    List,
    ConnectUrl,
    Disconnect,
    Reconnect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectRequest {
    environment: Environment,
}

pub async fn serve(
    app: &App,
    req: &Request,
    caller: VerifiedCaller,
    call: Connections,
    params: &Params,
) -> Result<Response<Body>, AppError> {
    let (portal_id, now) = (caller.portal_id, caller.now);
    match call {
        Connections::List => {
            let companies = company_summaries(&app.store, portal_id, now.timestamp()).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "companies": companies }),
            ))
        }
        Connections::ConnectUrl => {
            let base = http::public_base(&app.config, req)?;
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
        Connections::Disconnect => {
            let realm_id = realm(params)?;
            let connection = connect::disconnect(app, portal_id, realm_id, now).await?;
            Ok(http::json(
                200,
                &serde_json::json!({ "company": CompanySummary::from(&connection) }),
            ))
        }
        Connections::Reconnect => {
            let realm_id = realm(params)?;
            let base = http::public_base(&app.config, req)?;
            let url =
                connect::quickbooks_reconnect_url(app, &base, portal_id, realm_id, now).await?;
            Ok(http::json(200, &serde_json::json!({ "url": url })))
        }
    }
}

/// The company a request is about, noted in its span.
fn realm(params: &Params) -> Result<&str, AppError> {
    let realm_id = params.get("realmId")?;
    http::record_realm(realm_id);
    Ok(realm_id)
}

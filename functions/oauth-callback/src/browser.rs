//! Browser routes: every answer is a redirect or an HTML page a person can act on, never a bare error.

use crate::Served;
use chrono::Utc;
use lambda_http::{Body, Request, Response};
use shared::connect;
use shared::http::{self, NoRoute};
use shared::{App, AppError};
use tracing::Instrument;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Install,
    HubSpotCallback,
    QuickBooksCallback,
}

/// A browser leg, or the page that says there is none at this path or with this method.
pub async fn serve(
    app: &App,
    req: &Request,
    page: Result<Page, NoRoute<Served>>,
) -> Response<Body> {
    let answer = async {
        let page = match page {
            Ok(page) => page,
            Err(miss) => return miss.with_allow(failure(&miss.error())),
        };
        let base = match http::public_base(&app.config, req) {
            Ok(base) => base,
            Err(e) => return failure(&e),
        };
        let result = match page {
            Page::Install => connect::hubspot_install_url(app, &base, Utc::now())
                .await
                .map(|url| http::redirect(&url)),
            Page::HubSpotCallback => hubspot_callback(app, &base, req).await,
            Page::QuickBooksCallback => quickbooks_callback(app, &base, req).await,
        };
        result.unwrap_or_else(|e| failure(&e))
    };
    answer.instrument(http::request_span(req)).await
}

/// The consent screen's answer: `code` and `state`, or `error` when the user declined.
fn callback_params(req: &Request) -> Result<(String, String), AppError> {
    if let Some(error) = http::query_param(req, "error") {
        return Err(AppError::BadRequest(match error.as_str() {
            "access_denied" => {
                "you declined the connection; nothing was changed. You can start again at any time."
                    .into()
            }
            other => format!("the sign-in did not complete ({other}); nothing was changed"),
        }));
    }
    let code = http::query_param(req, "code").filter(|c| !c.is_empty());
    let state = http::query_param(req, "state").filter(|s| !s.is_empty());
    match (code, state) {
        (Some(code), Some(state)) => Ok((code, state)),
        _ => Err(AppError::BadRequest(
            "the callback is missing its code or state; start again".into(),
        )),
    }
}

async fn hubspot_callback(
    app: &App,
    base: &str,
    req: &Request,
) -> Result<Response<Body>, AppError> {
    let (code, state) = callback_params(req)?;
    let installed = connect::finish_hubspot_install(app, base, &code, &state, Utc::now()).await?;
    Ok(http::page(
        200,
        "HubSpot is connected",
        &format!(
            "The app is installed in HubSpot account {} (company currency {}). Next, connect a QuickBooks Online company.",
            installed.portal_id, installed.company_currency
        ),
        &[
            ("Connect QuickBooks", &installed.connect_production_url),
            ("Connect a QuickBooks sandbox company", &installed.connect_sandbox_url),
        ],
    ))
}

async fn quickbooks_callback(
    app: &App,
    base: &str,
    req: &Request,
) -> Result<Response<Body>, AppError> {
    let (code, state) = callback_params(req)?;
    let realm_id = http::query_param(req, "realmId").unwrap_or_default();
    let connection =
        connect::finish_quickbooks_connect(app, base, &code, &state, &realm_id, Utc::now()).await?;
    Ok(http::page(
        200,
        "QuickBooks is connected",
        &format!(
            "{} (company {}, {}) is connected. You can close this window and return to HubSpot.",
            connection.profile.name,
            connection.realm_id,
            match connection.environment {
                shared::connections::Environment::Production => "production",
                shared::connections::Environment::Sandbox => "sandbox",
            }
        ),
        &[],
    ))
}

fn failure(err: &AppError) -> Response<Body> {
    let status = err.code().status();
    if status >= 500 {
        tracing::error!(error = %err, "OAuth step failed");
    }
    let title = match status {
        404 => "Not found",
        s if s >= 500 => "Something went wrong",
        _ => "That did not work",
    };
    http::page(status, title, &err.public_message(), &[])
}

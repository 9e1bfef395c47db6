//! The OAuth callback function: the browser legs of installing the HubSpot app and connecting QuickBooks
//! companies under `/oauth/`, and the signed connections API under `/connections` that the settings page and
//! the card call.

mod browser;
mod connections;

use lambda_http::{Body, Request, Response};
use shared::{http, App};

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    let path = req.uri().path();
    if path == "/connections" || path.starts_with("/connections/") {
        return http::respond(&req, connections::route(app, &req)).await;
    }
    use tracing::Instrument;
    Ok(browser::route(app, &req)
        .instrument(http::request_span(&req))
        .await)
}

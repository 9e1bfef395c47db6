//! `POST /webhooks/quickbooks`: Intuit's change notifications (quickbooks-api.md §6). The signature over the
//! raw body is checked before the body is read as anything; then the events are parsed strictly and only
//! queued (one sync job per company), so the answer comes well inside Intuit's 3 seconds.

use lambda_http::{Body, Request, Response};
use shared::quickbooks::webhook;
use shared::sync::webhook::wake;
use shared::sync::JobQueue;
use shared::verify::intuit;
use shared::{http, App, AppError};

pub async fn serve(
    app: &App,
    queue: Option<&dyn JobQueue>,
    req: &Request,
) -> Result<Response<Body>, AppError> {
    let body = http::body_bytes(req)?;
    let verifier = &app.credentials.intuit_webhook_verifier;
    if verifier.is_empty() {
        // An empty key would accept a signature anyone can compute.
        tracing::error!("intuit_webhook_verifier is empty in the app-credentials secret: every webhook is refused");
        return Err(AppError::Unauthorized(
            "webhooks are not configured for this app".into(),
        ));
    }
    let signature = match req.headers().get(intuit::SIGNATURE_HEADER) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            AppError::Unauthorized("the intuit-signature header is not valid".into())
        })?),
    };
    intuit::verify(verifier, body, signature).map_err(|e| AppError::Unauthorized(e.to_string()))?;
    let events = webhook::parse(body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let queue = queue.ok_or_else(|| {
        AppError::internal(
            "webhook route",
            "SYNC_QUEUE_URL is not configured for this function",
        )
    })?;
    let woken = wake(app, queue, &events)
        .await
        .map_err(|e| AppError::internal("queueing a webhook's sync", e))?;
    tracing::info!(
        events = events.len(),
        queued = woken.queued,
        unknown_companies = woken.unknown_companies,
        ignored_events = woken.ignored_events,
        "quickbooks webhook"
    );
    Ok(http::json(200, &woken))
}

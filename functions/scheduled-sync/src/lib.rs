//! The scheduled sync, invoked by EventBridge. It works through every QuickBooks connection of every
//! HubSpot account; connections that need a reconnect or were disconnected are skipped and counted.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::Utc;
use serde::Serialize;
use shared::connections::{Connection, Status};
use shared::App;

/// What one run did, returned to the invoker and logged.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct RunSummary {
    pub active: usize,
    pub reconnect_needed: usize,
    pub disconnected: usize,
}

pub async fn handle(
    app: &App,
    event: EventBridgeEvent<serde_json::Value>,
) -> Result<RunSummary, shared::AppError> {
    let now = Utc::now();
    tracing::info!(event_id = ?event.id, scheduled_for = ?event.time, "sync run started");
    let connections = Connection::list_all(&app.store, now.timestamp()).await?;
    let mut summary = RunSummary::default();
    for c in &connections {
        match c.status {
            Status::Active => summary.active += 1,
            Status::ReconnectNeeded => {
                tracing::warn!(portal_id = c.portal_id, realm_id = %c.realm_id, "skipped: reconnect needed");
                summary.reconnect_needed += 1
            }
            Status::Disconnected => summary.disconnected += 1,
        }
    }
    tracing::info!(?summary, "sync run finished");
    Ok(summary)
}

//! The sync Lambda. EventBridge's schedule invokes it to plan (one queued job per active QuickBooks
//! company); SQS invokes it with queued jobs to sync them. The event's shape says which.

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use serde::Serialize;
use serde_json::Value;
use shared::sync::worker::{self, Delivery, Planned};
use shared::sync::JobQueue;
use shared::App;
use std::time::{Duration, Instant};

/// Left between the last page a run starts and the Lambda's deadline: a page's QuickBooks read and its
/// HubSpot batches (each possibly waiting out a throttle) finish inside it.
pub const PAGE_MARGIN: Duration = Duration::from_secs(90);

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Planned(Planned),
    Worked(SqsBatchResponse),
}

#[derive(Debug, thiserror::Error)]
pub enum SyncLambdaError {
    #[error(transparent)]
    Plan(#[from] worker::PlanError),
    #[error("an SQS event that does not read as one: {0}")]
    BadEvent(#[from] serde_json::Error),
}

fn is_sqs(event: &Value) -> bool {
    event
        .pointer("/Records/0/eventSource")
        .and_then(Value::as_str)
        == Some("aws:sqs")
}

/// `deadline` is when the Lambda is stopped (the invocation context's deadline).
pub async fn handle(
    app: &App,
    queue: &dyn JobQueue,
    event: Value,
    deadline: Instant,
) -> Result<Answer, SyncLambdaError> {
    if !is_sqs(&event) {
        tracing::info!(event_id = ?event.get("id"), "sync planning");
        let planned = worker::plan(app, queue).await?;
        tracing::info!(?planned, "sync planned");
        return Ok(Answer::Planned(planned));
    }
    let event: SqsEvent = serde_json::from_value(event)?;
    let deliveries = event
        .records
        .into_iter()
        .map(|r| Delivery {
            message_id: r.message_id.unwrap_or_default(),
            body: r.body.unwrap_or_default(),
        })
        .collect();
    let stop_at = deadline
        .checked_sub(PAGE_MARGIN)
        .unwrap_or_else(Instant::now);
    let retry = worker::work(app, queue, deliveries, stop_at).await;
    let mut answer = SqsBatchResponse::default();
    answer.batch_item_failures = retry
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    Ok(Answer::Worked(answer))
}

/// The invocation's deadline as an instant on this process's clock.
pub fn deadline_of(context: &lambda_runtime::Context) -> Instant {
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    Instant::now() + Duration::from_millis(context.deadline.saturating_sub(now_ms))
}

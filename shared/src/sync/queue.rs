//! The sync's work queue (SQS, standard): one message per company to sync. The schedule fills it, the
//! worker drains it, and a worker that runs out of time puts the rest of its work back on it.

use async_trait::async_trait;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::SyncObject;
use crate::ids::RealmId;
use crate::App;

/// SQS's most entries per SendMessageBatch.
const PER_CALL: usize = 10;

/// One company to sync: everything, or (a webhook's wake-up) only some objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub portal_id: u64,
    pub realm_id: RealmId,
    /// `None`: every object the company syncs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<Vec<SyncObject>>,
    /// A webhook's job: its latest change, on QuickBooks' clock. A run that finds every named object's
    /// cursor already past it has nothing to do (another run applied the change) and makes no call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Error)]
#[error("queueing sync work failed: {detail}")]
pub struct QueueError {
    detail: String,
}

/// Where sync jobs go.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Queues `jobs`, each delivered no sooner than `delay_secs` from now.
    async fn send(&self, jobs: &[Job], delay_secs: i32) -> Result<(), QueueError>;
}

#[derive(Clone, Debug)]
pub struct SqsQueue {
    pub client: aws_sdk_sqs::Client,
    pub url: String,
}

impl SqsQueue {
    /// The queue the app is configured with (`SYNC_QUEUE_URL`), if any.
    pub fn of(app: &App) -> Option<Self> {
        let url = app.config.sync_queue_url.clone()?;
        Some(Self {
            client: app.sqs.clone(),
            url,
        })
    }
}

#[async_trait]
impl JobQueue for SqsQueue {
    async fn send(&self, jobs: &[Job], delay_secs: i32) -> Result<(), QueueError> {
        for chunk in jobs.chunks(PER_CALL) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    let body = serde_json::to_string(job).map_err(|e| QueueError {
                        detail: e.to_string(),
                    })?;
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(body)
                        .delay_seconds(delay_secs)
                        .build()
                        .map_err(|e| QueueError {
                            detail: e.to_string(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| QueueError {
                    detail: aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
                })?;
            if let Some(f) = out.failed.first() {
                return Err(QueueError {
                    detail: format!(
                        "{} of {} messages refused: {}",
                        out.failed.len(),
                        chunk.len(),
                        f.message.as_deref().unwrap_or(&f.code)
                    ),
                });
            }
        }
        Ok(())
    }
}

//! Creating a QuickBooks document exactly once per idempotency key (DESIGN.md, "Writing to QuickBooks
//! exactly once"; W7). The key is claimed with a conditional put; whoever holds the claim does the work,
//! every QuickBooks write carries a `requestid` derived from the key (a repeat is answered with the first
//! answer, never written twice), and the outcome is stored for every later repeat. Concurrent repeats
//! wait a little for the holder's outcome rather than fail.

use crate::store::keys;
use crate::store::Claim;
use crate::{App, AppError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::time::Duration;

/// A claim outlives the slowest create (three QuickBooks calls with their retries) but not by much: a
/// holder that died frees the key this long after it claimed it.
const IN_PROGRESS_MS: i64 = 45_000;
/// HubSpot retries an action for up to three days; keep outcomes longer.
const KEEP_S: i64 = 4 * 24 * 3600;
const POLL: Duration = Duration::from_millis(200);

/// What a repeat gets back.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome<T> {
    Done(T),
    Refused { code: ErrorCode, message: String },
}

/// Whether a refusal is stored as the final answer for the key. Workflow executions: yes (HubSpot does
/// not retry a failed action, and a repeat must answer the same). The card: no, the user fixes the input
/// and tries again with the same wizard run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusals {
    Final,
    Retryable,
}

/// Runs `work` once for `key` of `portal_id`, or returns the outcome of the run that did. `wait` is how
/// long a concurrent repeat waits for that run before answering "busy".
pub async fn run_once<T, F, Fut>(
    app: &App,
    portal_id: u64,
    key: &str,
    refusals: Refusals,
    wait: Duration,
    work: F,
) -> Result<T, AppError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let record = keys::idempotency(portal_id.into(), key);
    let started = tokio::time::Instant::now();
    loop {
        let now_ms = chrono::Utc::now().timestamp_millis();
        match app
            .store
            .claim::<Outcome<T>>(&record, IN_PROGRESS_MS, KEEP_S, now_ms)
            .await?
        {
            Claim::Claimed => break,
            Claim::Completed(Outcome::Done(value)) => return Ok(value),
            Claim::Completed(Outcome::Refused { code, message }) => {
                return Err(AppError::refused(code, message))
            }
            Claim::InProgress { .. } if started.elapsed() < wait => tokio::time::sleep(POLL).await,
            Claim::InProgress { .. } => {
                return Err(AppError::Busy(
                    "this document is still being created; try again in a few seconds".into(),
                ))
            }
        }
    }
    let result = work().await;
    let now_ms = chrono::Utc::now().timestamp_millis();
    match result {
        Ok(value) => {
            app.store
                .complete(&record, &Outcome::Done(&value), KEEP_S, now_ms)
                .await?;
            Ok(value)
        }
        Err(e) if refusals == Refusals::Final && !e.code().is_transient() => {
            let outcome: Outcome<T> = Outcome::Refused {
                code: e.code(),
                message: e.public_message(),
            };
            app.store
                .complete(&record, &outcome, KEEP_S, now_ms)
                .await?;
            Err(e)
        }
        Err(e) => {
            // Nothing decided (or the card lets the user fix it): free the key for the retry at once.
            if let Err(release) = app.store.abandon(&record).await {
                tracing::warn!(error = %release, "could not release the idempotency claim; it expires on its own");
            }
            Err(e)
        }
    }
}

/// The `requestid` of one QuickBooks write of a run: the same for every repeat of the run, different for
/// every step and company (at most 50 characters, quickbooks-api.md §7).
pub fn request_id(portal_id: u64, realm_id: &str, scope: &str, step: &str) -> String {
    let digest = Sha256::digest(format!("{portal_id}|{realm_id}|{scope}|{step}"));
    digest.iter().take(20).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_stable_short_and_distinct() {
        let a = request_id(1, "9", "ap-1-2-3", "document");
        assert_eq!(a, request_id(1, "9", "ap-1-2-3", "document"));
        assert_eq!(a.len(), 40);
        assert_ne!(a, request_id(1, "9", "ap-1-2-3", "customer"));
        assert_ne!(a, request_id(1, "8", "ap-1-2-3", "document"));
        assert_ne!(a, request_id(2, "9", "ap-1-2-3", "document"));
    }
}

//! Every call we make to HubSpot or Intuit goes through here: one reqwest client per cold start, a timeout on
//! every call, and bounded retries with jittered backoff that respect `Retry-After`.

use reqwest::header::HeaderMap;
use reqwest::{Client, RequestBuilder, StatusCode};
use std::future::Future;
use std::time::Duration;
use thiserror::Error;
use tokio::time::Instant;

tokio::task_local! {
    /// When the answer to the request being served is due (see [`within`]).
    static DEADLINE: Instant;
}

/// Runs `work` with a time budget for the whole request: inside it a throttled call (429) waits and retries
/// as long as the budget allows, instead of failing after [`Outbound`]'s few quick attempts. A burst of
/// reps opening deals at once then queues behind the APIs' limits rather than failing (issue 10, item 6).
pub async fn within<F: Future>(budget: Duration, work: F) -> F::Output {
    DEADLINE.scope(Instant::now() + budget, work).await
}

/// Time left before the current request's deadline, if it has one.
fn time_left() -> Option<Duration> {
    DEADLINE
        .try_with(|deadline| deadline.saturating_duration_since(Instant::now()))
        .ok()
}

/// The longest single backoff: later attempts of a throttled call keep probing instead of sleeping long.
const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// The most attempts a throttled call gets inside a budget; the budget usually ends it first.
const THROTTLED_ATTEMPTS: u32 = 12;

#[derive(Debug, Error)]
pub enum OutboundError {
    #[error("{service} did not answer within {secs} s")]
    Timeout { service: &'static str, secs: u64 },
    #[error("{service} could not be reached: {detail}")]
    Unreachable {
        service: &'static str,
        detail: String,
    },
}

/// An answer of any status; the API clients read faults out of it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The start of the body as text, for a log line about an answer that could not be read.
    pub fn snippet(&self) -> String {
        String::from_utf8_lossy(&self.body)
            .chars()
            .take(200)
            .collect()
    }
}

/// Whether a request may be sent twice. A POST that creates something is `Once` unless the upstream
/// deduplicates it (QuickBooks `requestid`): it is retried only when it surely never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    Safe,
    Once,
}

#[derive(Clone, Debug)]
pub struct Outbound {
    client: Client,
    timeout: Duration,
    attempts: u32,
    base_delay: Duration,
    /// Longer waits are not spent inside a Lambda: the caller gets the 429 and tells its user to retry.
    max_wait: Duration,
}

impl Outbound {
    pub fn new() -> Self {
        Self::with_limits(
            Duration::from_secs(10),
            3,
            Duration::from_millis(200),
            Duration::from_secs(2),
        )
    }

    pub fn with_limits(
        timeout: Duration,
        attempts: u32,
        base_delay: Duration,
        max_wait: Duration,
    ) -> Self {
        let client = Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(timeout)
            .user_agent(concat!("hs-qbo-integration/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a reqwest client with rustls always builds");
        Self {
            client,
            timeout,
            attempts: attempts.max(1),
            base_delay,
            max_wait,
        }
    }

    /// Sends the request `build` makes (again for each attempt) and returns the last answer.
    pub async fn send(
        &self,
        service: &'static str,
        repeat: Repeat,
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Reply, OutboundError> {
        let mut attempt = 1;
        loop {
            let last = attempt >= self.attempts;
            crate::pace::turn(service).await;
            match build(&self.client).send().await {
                Ok(res) => {
                    let status = res.status();
                    let headers = res.headers().clone();
                    let body = match res.bytes().await {
                        Ok(b) => b.to_vec(),
                        // A body cut off mid-way is a failed call, retried like one.
                        Err(e) if !last && repeat == Repeat::Safe => {
                            tracing::warn!(service, attempt, error = %e, "reading the answer failed; retrying");
                            tokio::time::sleep(self.backoff(attempt)).await;
                            attempt += 1;
                            continue;
                        }
                        Err(e) => return Err(self.transport(service, e)),
                    };
                    let reply = Reply {
                        status,
                        headers,
                        body,
                    };
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        crate::pace::throttled(service);
                    }
                    let last = last && !(throttled(&reply) && attempt < THROTTLED_ATTEMPTS);
                    match self.retry_wait(&reply, repeat, attempt) {
                        Some(wait) if !last => {
                            tracing::warn!(service, attempt, status = status.as_u16(), "retrying");
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                        }
                        _ => return Ok(reply),
                    }
                }
                Err(e)
                    if !last && (e.is_connect() || (repeat == Repeat::Safe && e.is_timeout())) =>
                {
                    tracing::warn!(service, attempt, error = %e, "call failed; retrying");
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(self.transport(service, e)),
            }
        }
    }

    /// How long to wait before retrying `reply`, or `None` when it is final.
    fn retry_wait(&self, reply: &Reply, repeat: Repeat, attempt: u32) -> Option<Duration> {
        let status = reply.status;
        let retryable = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::SERVICE_UNAVAILABLE
            || (repeat == Repeat::Safe && status.is_server_error());
        if !retryable {
            return None;
        }
        // Without Retry-After, a 429 waits out at least a one-second window (QuickBooks counts 10 a second
        // per company and sends no Retry-After, quickbooks-api.md §8).
        let wait = retry_after(reply).unwrap_or_else(|| match status {
            StatusCode::TOO_MANY_REQUESTS => self.backoff(attempt).max(Duration::from_millis(1100)),
            _ => self.backoff(attempt),
        });
        match time_left() {
            // Inside a request's budget a throttle is waited out while time remains, leaving a second
            // to make the call itself.
            Some(left) if status == StatusCode::TOO_MANY_REQUESTS => {
                let usable = left.checked_sub(Duration::from_secs(1))?;
                (!usable.is_zero()).then(|| wait.min(usable))
            }
            _ => (wait <= self.max_wait).then_some(wait),
        }
    }

    /// Exponential backoff with full jitter, so many Lambdas retrying together spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(MAX_BACKOFF);
        let ms = ceiling.as_millis().max(1) as u64;
        Duration::from_millis(rand::random::<u64>() % ms + 1)
    }

    fn transport(&self, service: &'static str, e: reqwest::Error) -> OutboundError {
        if e.is_timeout() {
            OutboundError::Timeout {
                service,
                secs: self.timeout.as_secs(),
            }
        } else {
            OutboundError::Unreachable {
                service,
                detail: e.to_string(),
            }
        }
    }
}

impl Default for Outbound {
    fn default() -> Self {
        Self::new()
    }
}

fn throttled(reply: &Reply) -> bool {
    reply.status == StatusCode::TOO_MANY_REQUESTS && time_left().is_some()
}

/// `Retry-After` in seconds (HTTP's unit; HubSpot's 477 and 429 use it too).
pub fn retry_after(reply: &Reply) -> Option<Duration> {
    reply
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

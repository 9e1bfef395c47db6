//! Keeping under an API's rate limits instead of bouncing off them. Work run inside [`paced`] spaces its
//! calls to each service so that no window of a [`Limit`] ever holds more calls than it allows; a call
//! that would break a window waits until the window's oldest call leaves it. The sync runs paced (tens of
//! thousands of calls a run), the card and workflows do not (a few calls each, and a 429 is retried).
//!
//! Pacing is per process: one portal's sync runs in one Lambda at a time (its lease), which is what
//! makes a per-process window a per-account one.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

tokio::task_local! {
    static PACER: Arc<Pacer>;
}

/// At most `calls` calls to `service` in any `per`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub service: &'static str,
    pub calls: usize,
    pub per: Duration,
}

struct Window {
    limit: Limit,
    sent: VecDeque<Instant>,
}

pub struct Pacer {
    windows: Mutex<HashMap<&'static str, Vec<Window>>>,
    /// Calls made and throttled answers received, per service: a run's metrics.
    counts: Mutex<BTreeMap<&'static str, Counted>>,
}

/// What a paced piece of work sent to one service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    pub calls: u64,
    pub throttled: u64,
}

impl Pacer {
    pub fn new(limits: &[Limit]) -> Self {
        let mut windows: HashMap<&'static str, Vec<Window>> = HashMap::new();
        for l in limits {
            windows.entry(l.service).or_default().push(Window {
                limit: *l,
                sent: VecDeque::new(),
            });
        }
        Self {
            windows: Mutex::new(windows),
            counts: Mutex::new(BTreeMap::new()),
        }
    }

    /// What the work sent to `service` so far.
    pub fn counted(&self, service: &str) -> Counted {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(service).copied().unwrap_or_default()
    }

    fn count(&self, service: &'static str, add: impl FnOnce(&mut Counted)) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        add(counts.entry(service).or_default());
    }

    /// Waits until a call to `service` fits every one of its windows, and counts it.
    async fn admit(&self, service: &'static str) {
        self.count(service, |c| c.calls += 1);
        loop {
            let wait = {
                let mut all = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
                let Some(windows) = all.get_mut(service) else {
                    return;
                };
                let now = Instant::now();
                let mut wait = Duration::ZERO;
                for w in windows.iter_mut() {
                    while w
                        .sent
                        .front()
                        .is_some_and(|t| now.duration_since(*t) >= w.limit.per)
                    {
                        w.sent.pop_front();
                    }
                    if w.sent.len() >= w.limit.calls {
                        let oldest = w.sent.front().copied().unwrap_or(now);
                        wait = wait.max((oldest + w.limit.per).saturating_duration_since(now));
                    }
                }
                if wait.is_zero() {
                    for w in windows.iter_mut() {
                        w.sent.push_back(now);
                    }
                    return;
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// Runs `work` with its calls paced by `pacer`.
pub async fn paced<F: Future>(pacer: Arc<Pacer>, work: F) -> F::Output {
    PACER.scope(pacer, work).await
}

/// Called before every attempt of every outbound call: waits its turn when the work is paced.
pub async fn turn(service: &'static str) {
    if let Ok(pacer) = PACER.try_with(Arc::clone) {
        pacer.admit(service).await;
    }
}

/// Called when a service answered 429: counted when the work is paced.
pub fn throttled(service: &'static str) {
    if let Ok(pacer) = PACER.try_with(Arc::clone) {
        pacer.count(service, |c| c.throttled += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_window_ever_holds_more_calls_than_its_limit() {
        let pacer = Arc::new(Pacer::new(&[
            Limit {
                service: "Q",
                calls: 10,
                per: Duration::from_secs(1),
            },
            Limit {
                service: "Q",
                calls: 25,
                per: Duration::from_secs(60),
            },
        ]));
        let start = Instant::now();
        let mut at = Vec::new();
        paced(pacer, async {
            for _ in 0..30 {
                turn("Q").await;
                at.push(start.elapsed());
            }
            // Another service is not held up.
            let before = start.elapsed();
            turn("H").await;
            assert_eq!(start.elapsed(), before);
        })
        .await;
        for (i, t) in at.iter().enumerate() {
            let in_last_second = at[..=i]
                .iter()
                .filter(|s| *t - **s < Duration::from_secs(1))
                .count();
            assert!(in_last_second <= 10, "call {i} at {t:?}");
        }
        assert!(at[24] < Duration::from_secs(3), "{:?}", at[24]);
        assert!(
            at[25] >= Duration::from_secs(60),
            "the 26th waits for the minute: {:?}",
            at[25]
        );
    }

    #[tokio::test]
    async fn unpaced_work_never_waits() {
        let start = Instant::now();
        for _ in 0..1000 {
            turn("Q").await;
        }
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}

//! QuickBooks' per-company rate limits (quickbooks-api.md §8): 10 requests a second and 500 a minute.
//! Counted on the simulated clock, so a test can "wait a minute" by moving the clock instead of sleeping.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RateLimits {
    /// On by default; tests that need bursts turn it off.
    pub enabled: bool,
    pub per_second: usize,
    pub per_minute: usize,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            per_second: 10,
            per_minute: 500,
        }
    }
}

impl RateLimits {
    /// Whether one more request at `now` fits; if so it is counted in `recent`.
    pub fn admit(&self, recent: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        if !self.enabled {
            return true;
        }
        while recent
            .front()
            .is_some_and(|t| now - *t >= Duration::minutes(1))
        {
            recent.pop_front();
        }
        let last_second = recent
            .iter()
            .filter(|t| now - **t < Duration::seconds(1))
            .count();
        if last_second >= self.per_second || recent.len() >= self.per_minute {
            return false;
        }
        recent.push_back(now);
        true
    }
}

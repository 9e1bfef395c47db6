//! HubSpot's rate limits (hubspot-api.md §6), on by default and tunable through `/_sim/limits`:
//! 110 requests per rolling 10 s per account for OAuth apps (OAuth endpoints and search excluded), then 429
//! with `policyName: TEN_SECONDLY_ROLLING`; search 5 requests per second, then 429 "secondly limit" (§5).
//! Counted on the real clock, since bursts are about real request rates.

use crate::errors::correlation_id;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sim_kit::Shared;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LimitSettings {
    pub enabled: bool,
    /// Requests per window per account.
    pub burst: usize,
    pub window_ms: u64,
    pub search_per_second: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            burst: 110,
            window_ms: 10_000,
            search_per_second: 5,
        }
    }
}

#[derive(Default)]
pub struct Limits {
    pub settings: LimitSettings,
    recent: VecDeque<Instant>,
    searches: VecDeque<Instant>,
}

enum Meter {
    Burst,
    Search,
    Free,
}

fn meter(path: &str) -> Meter {
    if path.starts_with("/_sim/") || path.starts_with("/oauth/") {
        Meter::Free
    } else if path.ends_with("/search") {
        Meter::Search
    } else {
        Meter::Burst
    }
}

/// Drops the instants older than `window` and tells whether another request still fits under `max`.
fn admit(window: &mut VecDeque<Instant>, span: Duration, max: usize) -> bool {
    let now = Instant::now();
    while window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= span)
    {
        window.pop_front();
    }
    if window.len() >= max {
        return false;
    }
    window.push_back(now);
    true
}

fn too_many(message: &str, policy: Option<&str>) -> Response {
    let mut body = json!({
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "requestId": correlation_id(),
    });
    if let Some(policy) = policy {
        body["policyName"] = json!(policy);
    }
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}

impl Limits {
    /// The 429 to answer instead, if this request is over a limit.
    pub fn throttle(&mut self, path: &str) -> Option<Response> {
        let s = &self.settings;
        if !s.enabled {
            return None;
        }
        match meter(path) {
            Meter::Free => None,
            Meter::Burst => (!admit(
                &mut self.recent,
                Duration::from_millis(s.window_ms),
                s.burst,
            ))
            .then(|| {
                too_many(
                    "You have reached your ten_secondly_rolling limit.",
                    Some("TEN_SECONDLY_ROLLING"),
                )
            }),
            Meter::Search => (!admit(
                &mut self.searches,
                Duration::from_secs(1),
                s.search_per_second,
            ))
            .then(|| too_many("You have reached your secondly limit.", None)),
        }
    }

    pub fn set(&mut self, settings: LimitSettings) {
        self.settings = settings;
        self.recent.clear();
        self.searches.clear();
    }
}

/// Adds `X-HubSpot-RateLimit-Max`, `-Remaining` and `-Interval-Milliseconds` to metered answers; search
/// answers carry none, and OAuth apps get no daily headers (§6).
pub async fn headers(
    State(sim): State<Shared<crate::state::Sim>>,
    req: Request,
    next: Next,
) -> Response {
    let metered = matches!(meter(req.uri().path()), Meter::Burst);
    let mut res = next.run(req).await;
    if metered {
        let (max, used, window) = {
            let sim = sim.lock().expect("sim lock");
            let l = &sim.limits;
            (l.settings.burst, l.recent.len(), l.settings.window_ms)
        };
        let h = res.headers_mut();
        for (name, value) in [
            ("x-hubspot-ratelimit-max", max),
            ("x-hubspot-ratelimit-remaining", max.saturating_sub(used)),
            ("x-hubspot-ratelimit-interval-milliseconds", window as usize),
        ] {
            h.insert(name, HeaderValue::from(value));
        }
    }
    res
}

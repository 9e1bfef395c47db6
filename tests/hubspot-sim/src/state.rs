//! The simulator's state: one HubSpot account (portal) from the seed, OAuth grants, properties.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sim_kit::{Recorder, Simulated};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

/// 110 requests every 10 seconds per account for OAuth apps (hubspot-api.md §6).
const BURST: usize = 110;
const BURST_WINDOW: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    pub portal_id: u64,
    pub company_currency: String,
    pub time_zone: String,
}

impl Seed {
    pub fn demo() -> Self {
        serde_json::from_str(include_str!("../fixtures/seed.json"))
            .expect("fixtures/seed.json is a valid seed")
    }

    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

pub struct AccessToken {
    pub expires_at: DateTime<Utc>,
}

pub struct Sim {
    pub seed: Seed,
    pub recorder: Recorder,
    pub consent_denied: bool,
    pub codes: HashMap<String, String>,
    pub refresh_tokens: HashMap<String, bool>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// Property groups and properties by object type, each by name.
    pub groups: BTreeMap<String, BTreeMap<String, Value>>,
    pub properties: BTreeMap<String, BTreeMap<String, Value>>,
    pub rate_limits: bool,
    recent: VecDeque<Instant>,
}

impl Sim {
    pub fn new(seed: Seed) -> Self {
        Self {
            seed,
            recorder: Recorder::default(),
            consent_denied: false,
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            groups: BTreeMap::new(),
            properties: BTreeMap::new(),
            rate_limits: true,
            recent: VecDeque::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.recorder.now()
    }
}

/// HubSpot's error body (hubspot-api.md §6).
pub fn error(status: StatusCode, category: &str, message: &str) -> Response {
    let body = json!({
        "status": "error",
        "message": message,
        "correlationId": uuid::Uuid::new_v4().to_string(),
        "category": category,
    });
    (status, Json(body)).into_response()
}

impl Simulated for Sim {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    fn throttle(&mut self, path: &str) -> Option<Response> {
        // OAuth endpoints are not metered like API calls.
        if !self.rate_limits || path.starts_with("/oauth/") {
            return None;
        }
        let now = Instant::now();
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= BURST_WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= BURST {
            let body = json!({
                "status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": uuid::Uuid::new_v4().to_string(),
                "policyName": "TEN_SECONDLY_ROLLING",
                "requestId": uuid::Uuid::new_v4().to_string(),
            });
            return Some((StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response());
        }
        self.recent.push_back(now);
        None
    }

    fn reset(&mut self) {
        *self = Sim::new(self.seed.clone());
    }
}

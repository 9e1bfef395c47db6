//! The simulator's state: one HubSpot account (portal) from the seed, OAuth grants, properties, CRM records
//! and their associations, and the workflow callbacks completed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sim_kit::{Recorder, Simulated};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

pub const ACCESS_TTL_S: i64 = 1800;
/// 110 requests every 10 seconds per account for OAuth apps (hubspot-api.md §6).
const BURST: usize = 110;
const BURST_WINDOW: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    pub portal_id: u64,
    pub company_currency: String,
    pub time_zone: String,
    /// Records by object type (`deals`, `contacts`, …), each `{"id": "…", "properties": {…}}`.
    #[serde(default)]
    pub objects: BTreeMap<String, Vec<SeedObject>>,
    /// Default associations, written in both directions.
    #[serde(default)]
    pub associations: Vec<SeedAssociation>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedObject {
    pub id: String,
    pub properties: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedAssociation {
    pub from: String,
    pub from_id: String,
    pub to: String,
    pub to_id: String,
}

/// A CRM record: every property value is a string, as HubSpot returns them.
#[derive(Clone, Debug)]
pub struct Record {
    pub id: u64,
    pub properties: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Association {
    pub from: String,
    pub from_id: u64,
    pub to: String,
    pub to_id: u64,
    pub category: String,
    pub type_id: u32,
}

/// HUBSPOT_DEFINED default association type ids (hubspot-api.md §5): (from, to, id).
pub const ASSOCIATION_TYPES: &[(&str, &str, u32)] = &[
    ("deals", "contacts", 3),
    ("contacts", "deals", 4),
    ("deals", "companies", 341),
    ("companies", "deals", 342),
    ("deals", "line_items", 19),
    ("line_items", "deals", 20),
    ("deals", "quotes", 63),
    ("quotes", "deals", 64),
    ("quotes", "line_items", 67),
    ("line_items", "quotes", 68),
    ("deals", "invoices", 176),
    ("invoices", "deals", 175),
    ("invoices", "contacts", 177),
    ("contacts", "invoices", 178),
    ("invoices", "companies", 179),
    ("companies", "invoices", 180),
    ("contacts", "companies", 279),
    ("companies", "contacts", 280),
    ("notes", "deals", 214),
    ("deals", "notes", 213),
];

pub fn default_type(from: &str, to: &str) -> Option<u32> {
    ASSOCIATION_TYPES
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(_, _, id)| *id)
}

impl Seed {
    pub fn demo() -> Self {
        serde_json::from_str(include_str!("../fixtures/seed.json"))
            .expect("fixtures/seed.json is a valid seed")
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
    pub objects: BTreeMap<String, BTreeMap<u64, Record>>,
    pub associations: Vec<Association>,
    /// Workflow callback completions, in order (`callbackId` + body).
    pub callbacks: Vec<Value>,
    pub rate_limits: bool,
    next_id: u64,
    recent: VecDeque<Instant>,
    recent_searches: VecDeque<Instant>,
}

impl Sim {
    pub fn new(seed: Seed) -> Self {
        let now = Utc::now();
        let objects = seed
            .objects
            .iter()
            .map(|(kind, list)| {
                let records = list
                    .iter()
                    .filter_map(|o| {
                        let id = o.id.parse().ok()?;
                        Some((
                            id,
                            Record {
                                id,
                                properties: o.properties.clone(),
                                created_at: now,
                                updated_at: now,
                            },
                        ))
                    })
                    .collect();
                (kind.clone(), records)
            })
            .collect();
        let mut associations = Vec::new();
        for a in &seed.associations {
            let (Ok(from_id), Ok(to_id)) = (a.from_id.parse(), a.to_id.parse()) else {
                continue;
            };
            for (from, from_id, to, to_id) in [
                (&a.from, from_id, &a.to, to_id),
                (&a.to, to_id, &a.from, from_id),
            ] {
                if let Some(type_id) = default_type(from, to) {
                    associations.push(Association {
                        from: from.clone(),
                        from_id,
                        to: to.clone(),
                        to_id,
                        category: "HUBSPOT_DEFINED".into(),
                        type_id,
                    });
                }
            }
        }
        Self {
            objects,
            associations,
            callbacks: Vec::new(),
            next_id: 1_000_001,
            recent_searches: VecDeque::new(),
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

    /// A new access token (30 minutes, hubspot-api.md §1).
    pub fn issue_access(&mut self) -> String {
        let access = format!("CJT-{}", uuid::Uuid::new_v4());
        let expires_at = self.now() + chrono::Duration::seconds(ACCESS_TTL_S);
        self.access_tokens
            .insert(access.clone(), AccessToken { expires_at });
        access
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Search has its own limit: five requests a second per account (hubspot-api.md §5).
    pub fn search_throttled(&mut self) -> bool {
        if !self.rate_limits {
            return false;
        }
        let now = Instant::now();
        while self
            .recent_searches
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.recent_searches.pop_front();
        }
        if self.recent_searches.len() >= 5 {
            return true;
        }
        self.recent_searches.push_back(now);
        false
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
        // OAuth endpoints are not metered like API calls, and search has its own limit.
        if !self.rate_limits || path.starts_with("/oauth/") || path.ends_with("/search") {
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

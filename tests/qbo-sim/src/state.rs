//! The simulator's whole state, in memory: companies (from a seed), OAuth grants, the request log, faults.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sim_kit::{Recorder, Simulated};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

/// What real QuickBooks sends on throttling, as XML even to JSON clients (quickbooks-api.md §8).
const THROTTLE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-22T10:00:00.000-08:00"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>"#;

/// A fixture: the companies the simulator serves.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Seed {
    pub companies: Vec<CompanySeed>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompanySeed {
    pub realm_id: String,
    /// The company's UTC offset, used on every timestamp it returns (e.g. `-08:00`).
    pub utc_offset: String,
    #[serde(rename = "CompanyInfo")]
    pub company_info: Value,
    #[serde(rename = "Preferences")]
    pub preferences: Value,
    /// Entities by QuickBooks type name (`Customer`, `Item`, `Invoice`, ...), each with its `Id`.
    #[serde(default)]
    pub entities: BTreeMap<String, Vec<Value>>,
}

impl Seed {
    /// The bundled demo companies (`fixtures/seed.json`).
    pub fn demo() -> Self {
        serde_json::from_str(include_str!("../fixtures/seed.json"))
            .expect("fixtures/seed.json is a valid seed")
    }
}

pub struct Grant {
    pub realm_id: String,
    pub issued_at: DateTime<Utc>,
    /// Set once a refresh rotated this token away; it is dead from then on.
    pub rotated: bool,
    pub revoked: bool,
}

pub struct AccessToken {
    pub realm_id: String,
    pub expires_at: DateTime<Utc>,
    /// The refresh token it came from; revoking that grant revokes this token too.
    pub refresh_token: String,
}

pub struct Code {
    pub realm_id: String,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
}

pub struct Company {
    /// The company's live data (starts as its seed; writes change it).
    pub seed: CompanySeed,
    /// Recent request instants, for the per-realm rate limits.
    pub recent: VecDeque<Instant>,
    /// Answers by `requestid`: a repeat gets the first answer again (quickbooks-api.md §7).
    pub replies: HashMap<String, (u16, Value)>,
    /// Hard-deleted transactions (entity, id, when), for CDC's `status: Deleted`.
    pub deleted: Vec<(String, String, DateTime<Utc>)>,
}

impl Company {
    pub fn records(&self, entity: &str) -> &[Value] {
        self.seed
            .entities
            .get(entity)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn find(&self, entity: &str, id: &str) -> Option<&Value> {
        self.records(entity)
            .iter()
            .find(|e| e.get("Id").and_then(Value::as_str) == Some(id))
    }

    pub fn find_mut(&mut self, entity: &str, id: &str) -> Option<&mut Value> {
        self.seed
            .entities
            .get_mut(entity)?
            .iter_mut()
            .find(|e| e.get("Id").and_then(Value::as_str) == Some(id))
    }

    /// Ids are strings of increasing numbers, unique across the company's entities.
    pub fn next_id(&self) -> String {
        let max = self
            .seed
            .entities
            .values()
            .flatten()
            .filter_map(|e| e.get("Id")?.as_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        (max + 1).to_string()
    }
}

pub struct Sim {
    pub seed: Seed,
    pub companies: HashMap<String, Company>,
    pub client_id: String,
    pub client_secret: String,
    pub recorder: Recorder,
    /// Which company the simulated consent screen picks, and whether the user declines.
    pub consent_realm: Option<String>,
    pub consent_denied: bool,
    /// A refresh after this age returns a new refresh token and kills the old one (Intuit: about 24 h).
    pub rotation_age: Duration,
    pub rate_limits: bool,
    pub codes: HashMap<String, Code>,
    pub grants: HashMap<String, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
}

impl Sim {
    pub fn new(seed: Seed) -> Self {
        Self {
            companies: seed
                .companies
                .iter()
                .map(|c| {
                    (
                        c.realm_id.clone(),
                        Company {
                            seed: c.clone(),
                            recent: VecDeque::new(),
                            replies: HashMap::new(),
                            deleted: Vec::new(),
                        },
                    )
                })
                .collect(),
            seed,
            client_id: crate::CLIENT_ID.into(),
            client_secret: crate::CLIENT_SECRET.into(),
            recorder: Recorder::default(),
            consent_realm: None,
            consent_denied: false,
            rotation_age: Duration::hours(24),
            rate_limits: true,
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.recorder.now()
    }

    /// A new grant for `realm`: (access token, refresh token), as the token endpoint issues them.
    pub fn issue_tokens(&mut self, realm: &str) -> (String, String) {
        let now = self.now();
        let refresh = token("RT1");
        self.grants.insert(
            refresh.clone(),
            Grant {
                realm_id: realm.into(),
                issued_at: now,
                rotated: false,
                revoked: false,
            },
        );
        (self.issue_access(realm, &refresh), refresh)
    }

    /// A new access token for `realm` from the grant of `refresh`.
    pub fn issue_access(&mut self, realm: &str, refresh: &str) -> String {
        let access = token("eyJlbmMiOiJBMTI4Q0JDLUhTMjU2");
        let expires_at = self.now() + Duration::seconds(crate::ACCESS_TTL_S);
        self.access_tokens.insert(
            access.clone(),
            AccessToken {
                realm_id: realm.into(),
                expires_at,
                refresh_token: refresh.into(),
            },
        );
        access
    }

    /// The realm the consent screen hands out: the chosen one, else the first seeded company.
    pub fn consent_realm(&self) -> Option<String> {
        self.consent_realm
            .clone()
            .or_else(|| self.seed.companies.first().map(|c| c.realm_id.clone()))
    }
}

/// A random opaque token.
pub fn token(prefix: &str) -> String {
    format!(
        "{prefix}-{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The realm a path addresses, if it is a company API call.
fn realm_of(path: &str) -> Option<&str> {
    path.strip_prefix("/v3/company/")?.split('/').next()
}

impl Simulated for Sim {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    /// 10 requests a second and 500 a minute per company (quickbooks-api.md §8).
    fn throttle(&mut self, path: &str) -> Option<Response> {
        if !self.rate_limits {
            return None;
        }
        let company = self.companies.get_mut(realm_of(path)?)?;
        let now = Instant::now();
        while company
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) > std::time::Duration::from_secs(60))
        {
            company.recent.pop_front();
        }
        let last_second = company
            .recent
            .iter()
            .rev()
            .take_while(|t| now.duration_since(**t) < std::time::Duration::from_secs(1))
            .count();
        if last_second >= 10 || company.recent.len() >= 500 {
            return Some(
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("content-type", "application/xml")],
                    THROTTLE_XML,
                )
                    .into_response(),
            );
        }
        company.recent.push_back(now);
        None
    }

    fn reset(&mut self) {
        *self = Sim::new(self.seed.clone());
    }
}

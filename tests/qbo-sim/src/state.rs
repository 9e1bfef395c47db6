//! The simulator's whole state, in memory: companies (from a seed), OAuth grants, the request log, faults.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

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

    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// One request as received.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// A fault to inject on matching requests.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct FaultRule {
    /// Matches when the request path contains this text.
    pub path_contains: String,
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
    /// How many matching requests get the fault (then the rule is spent).
    #[serde(default = "one")]
    pub count: u32,
    /// Added before answering (any kind).
    #[serde(default)]
    pub delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status and body instead of the real handler.
    Status { status: u16, body: String },
    /// Let the real handler run, then never answer (the client times out).
    Timeout,
    /// Answer 200 with a body that is not JSON.
    MalformedJson,
    /// Run the real handler, then cut its body in half.
    Truncated,
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
    pub seed: CompanySeed,
    /// Recent request instants, for the per-realm rate limits.
    pub recent: VecDeque<Instant>,
}

pub struct Sim {
    pub seed: Seed,
    pub companies: HashMap<String, Company>,
    pub client_id: String,
    pub client_secret: String,
    pub clock_offset: Duration,
    /// Which company the simulated consent screen picks, and whether the user declines.
    pub consent_realm: Option<String>,
    pub consent_denied: bool,
    /// A refresh after this age returns a new refresh token and kills the old one (Intuit: about 24 h).
    pub rotation_age: Duration,
    pub rate_limits: bool,
    pub codes: HashMap<String, Code>,
    pub grants: HashMap<String, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub log: Vec<LoggedRequest>,
    pub faults: Vec<FaultRule>,
}

impl Sim {
    pub fn new(seed: Seed) -> Self {
        let mut sim = Self {
            seed: Seed::default(),
            companies: HashMap::new(),
            client_id: crate::CLIENT_ID.into(),
            client_secret: crate::CLIENT_SECRET.into(),
            clock_offset: Duration::zero(),
            consent_realm: None,
            consent_denied: false,
            rotation_age: Duration::hours(24),
            rate_limits: true,
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            log: Vec::new(),
            faults: Vec::new(),
        };
        sim.load(seed);
        sim
    }

    /// Replaces everything with `seed` (what reset does, with the seed it started from).
    pub fn load(&mut self, seed: Seed) {
        *self = Self {
            companies: seed
                .companies
                .iter()
                .map(|c| {
                    (
                        c.realm_id.clone(),
                        Company {
                            seed: c.clone(),
                            recent: VecDeque::new(),
                        },
                    )
                })
                .collect(),
            seed,
            client_id: std::mem::take(&mut self.client_id),
            client_secret: std::mem::take(&mut self.client_secret),
            clock_offset: Duration::zero(),
            consent_realm: None,
            consent_denied: false,
            rotation_age: Duration::hours(24),
            rate_limits: true,
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            log: Vec::new(),
            faults: Vec::new(),
        };
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
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

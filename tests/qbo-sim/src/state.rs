//! The simulator's whole state, in memory: companies (from a seed), OAuth grants, rate-limit windows, the
//! request log, faults and the clock.

use crate::clock::{parse_zone, Moment};
use crate::faults::Fault;
use crate::generate::Generate;
use crate::limits::RateLimits;
use axum::response::Response;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sim_kit::{Recorder, Simulated};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// A fixture: the companies the simulator serves, and the instant its clock starts at.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Where the simulated clock starts (it then runs with the wall clock). Without it, the wall clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub companies: Vec<CompanySeed>,
    /// A generated company of any size, added to `companies` (built again on every reset, so the seed
    /// itself stays small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<Generate>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompanySeed {
    pub realm_id: String,
    /// Its `DefaultTimeZone` (an IANA name) sets the offset of every time the company answers with.
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

    /// This seed plus a generated company.
    pub fn with_generated(self, spec: Generate) -> Self {
        Self {
            generate: Some(spec),
            ..self
        }
    }

    /// Only a generated company, its clock starting where the demo's does (so that the same spec always
    /// gives the same company, whatever day the tests run).
    pub fn generated(spec: Generate) -> Self {
        Self {
            now: Self::demo().now,
            companies: Vec::new(),
            generate: Some(spec),
        }
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

/// A hard-deleted transaction, kept for CDC's `status: Deleted`.
pub struct Tombstone {
    pub entity: String,
    pub id: String,
    pub at: DateTime<Utc>,
    /// `at` as the company wrote it.
    pub stamp: String,
}

pub struct Company {
    /// The company's live data (starts as its seed; writes change it).
    pub seed: CompanySeed,
    /// `CompanyInfo.DefaultTimeZone`.
    pub zone: Tz,
    /// Admitted request instants, for the per-realm rate limits.
    pub recent: VecDeque<DateTime<Utc>>,
    /// Answers by `requestid`: a repeat gets the first answer again (quickbooks-api.md §7).
    pub replies: HashMap<String, (u16, Value)>,
    pub deleted: Vec<Tombstone>,
    /// Changes made since the webhook deliverer last looked (`webhooks.rs`).
    pub changes: Vec<crate::webhooks::Change>,
    /// The highest Id handed out, so an Id is never reused, not even after a delete.
    last_id: u64,
}

impl Company {
    fn new(seed: CompanySeed) -> Result<Self, String> {
        let named = seed.company_info["DefaultTimeZone"]
            .as_str()
            .unwrap_or_default();
        let zone = parse_zone(named).ok_or_else(|| {
            format!(
                "company {}: CompanyInfo.DefaultTimeZone {named:?} is not an IANA time zone",
                seed.realm_id
            )
        })?;
        let mut company = Self {
            zone,
            seed,
            recent: VecDeque::new(),
            replies: HashMap::new(),
            deleted: Vec::new(),
            changes: Vec::new(),
            last_id: 0,
        };
        company.last_id = company.highest_id();
        Ok(company)
    }

    /// A generated company (see `generate.rs`) as of `now`, its deleted invoices kept for CDC.
    fn generated(spec: &Generate, now: DateTime<Utc>) -> Result<Self, String> {
        let generated = crate::generate::company(spec, &crate::generate::base(), now)?;
        let mut company = Self::new(generated.seed)?;
        company.deleted = generated.deleted;
        company.last_id = company.last_id.max(generated.last_id);
        Ok(company)
    }

    pub fn records(&self, entity: &str) -> &[Value] {
        self.seed
            .entities
            .get(entity)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn find(&self, entity: &str, id: &str) -> Option<&Value> {
        self.records(entity).iter().find(|e| e["Id"] == id)
    }

    pub fn find_mut(&mut self, entity: &str, id: &str) -> Option<&mut Value> {
        self.seed
            .entities
            .get_mut(entity)?
            .iter_mut()
            .find(|e| e["Id"] == id)
    }

    fn highest_id(&self) -> u64 {
        self.seed
            .entities
            .values()
            .flatten()
            .filter_map(|e| e["Id"].as_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
    }

    /// Ids are strings of increasing numbers, unique across the company's entities and never reused.
    pub fn next_id(&mut self) -> Result<String, Fault> {
        self.last_id = self
            .last_id
            .max(self.highest_id())
            .checked_add(1)
            .ok_or_else(|| Fault::out_of_range("the next Id"))?;
        Ok(self.last_id.to_string())
    }

    /// `CompanyInfo.Country`, as the company reports it (`US`, `GB`, `CA`, …).
    pub fn country(&self) -> &str {
        self.seed.company_info["Country"]
            .as_str()
            .unwrap_or_default()
    }

    pub fn is_us(&self) -> bool {
        matches!(self.country(), "US" | "USA")
    }

    pub fn preference(&self, section: &str, name: &str) -> &Value {
        &self.seed.preferences[section][name]
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
    pub limits: RateLimits,
    pub codes: HashMap<String, Code>,
    pub grants: HashMap<String, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// Where change notifications go, and those not yet delivered.
    pub webhooks: crate::webhooks::Outbox,
}

impl Sim {
    /// Refuses a seed whose company has no valid time zone.
    pub fn new(seed: Seed) -> Result<Self, String> {
        let mut recorder = Recorder::default();
        if let Some(start) = seed.now {
            recorder.clock_offset = start.with_timezone(&Utc) - Utc::now();
        }
        let mut companies: HashMap<String, Company> = seed
            .companies
            .iter()
            .map(|c| Ok((c.realm_id.clone(), Company::new(c.clone())?)))
            .collect::<Result<_, String>>()?;
        if let Some(spec) = &seed.generate {
            if companies.contains_key(&spec.realm_id) {
                return Err(format!(
                    "generate: realm {} is already seeded",
                    spec.realm_id
                ));
            }
            let now = seed.now.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
            companies.insert(spec.realm_id.clone(), Company::generated(spec, now)?);
        }
        Ok(Self {
            companies,
            seed,
            client_id: crate::CLIENT_ID.into(),
            client_secret: crate::CLIENT_SECRET.into(),
            recorder,
            consent_realm: None,
            consent_denied: false,
            rotation_age: Duration::hours(24),
            limits: RateLimits::default(),
            codes: HashMap::new(),
            grants: HashMap::new(),
            access_tokens: HashMap::new(),
            webhooks: Default::default(),
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.recorder.now()
    }

    /// Now, as `realm` writes it (UTC for an unknown realm).
    pub fn moment(&self, realm: &str) -> Moment {
        Moment {
            now: self.now(),
            zone: self.companies.get(realm).map_or(Tz::UTC, |c| c.zone),
        }
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

    /// Becomes `fresh`, keeping the webhook endpoint: it is the app's configuration at Intuit, not a
    /// company's data (notifications not yet delivered are dropped with the data they were about).
    pub fn restart(&mut self, fresh: Sim) {
        let endpoint = self.webhooks.endpoint.take();
        *self = fresh;
        self.webhooks.endpoint = endpoint;
    }

    /// The live data, in the shape of a seed (what `GET /_sim/state` shows).
    pub fn snapshot(&self) -> Seed {
        let mut companies: Vec<CompanySeed> =
            self.companies.values().map(|c| c.seed.clone()).collect();
        companies.sort_by(|a, b| a.realm_id.cmp(&b.realm_id));
        Seed {
            now: Some(self.now().fixed_offset()),
            companies,
            generate: None,
        }
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

    fn throttle(&mut self, path: &str) -> Option<Response> {
        let realm = realm_of(path)?;
        let at = self.moment(realm);
        let company = self.companies.get_mut(realm)?;
        (!self.limits.admit(&mut company.recent, at.now)).then(|| crate::faults::throttled(&at))
    }

    fn reset(&mut self) {
        // The seed was accepted once, so it builds again.
        if let Ok(fresh) = Sim::new(self.seed.clone()) {
            self.restart(fresh);
        }
    }
}

//! The simulator's state: one HubSpot account (portal) from the seed, OAuth grants, properties, CRM records
//! and their associations, the workflow callbacks completed, and the rate limiter.

use crate::catalog::{self, default_type};
use crate::limits::Limits;
use crate::uniqueness::Index;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sim_kit::{Recorder, Simulated};
use std::collections::{BTreeMap, HashMap};

/// Access tokens live 30 minutes (hubspot-api.md §1).
pub const ACCESS_TTL_S: i64 = 1800;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    pub portal_id: u64,
    pub company_currency: String,
    pub time_zone: String,
    /// The time zone's current offset, as account details report it.
    #[serde(default)]
    pub utc_offset_minutes: i64,
    #[serde(default)]
    pub additional_currencies: Vec<String>,
    /// Records by object type (`deals`, `contacts`, …), each `{"id": "…", "properties": {…}}`.
    #[serde(default)]
    pub objects: BTreeMap<String, Vec<SeedObject>>,
    /// Associations (the default type unless `types` says otherwise), written in both directions.
    #[serde(default)]
    pub associations: Vec<SeedAssociation>,
    /// Custom property definitions by object type, as `POST /crm/v3/properties/{type}` takes them (their
    /// groups are created with them).
    #[serde(default)]
    pub properties: BTreeMap<String, Vec<Value>>,
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
    /// HUBSPOT_DEFINED type ids (e.g. `[341, 5]`: a deal's primary company); the pair's default type when
    /// absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<u32>,
}

impl Seed {
    /// The demo portal of `fixtures/seed.json`.
    pub fn demo() -> Self {
        serde_json::from_str(include_str!("../fixtures/seed.json"))
            .expect("fixtures/seed.json is a valid seed")
    }
}

/// A CRM record: every property value is a string, as HubSpot returns them. Archived records stay (HubSpot's
/// recycle bin) but are hidden from reads that do not ask for `archived=true`.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: u64,
    pub properties: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Association {
    pub from: String,
    pub from_id: u64,
    pub to: String,
    pub to_id: u64,
    pub type_id: u32,
}

pub struct AccessToken {
    pub expires_at: DateTime<Utc>,
    pub scopes: Vec<String>,
}

/// An authorization code waiting to be exchanged.
pub struct Grant {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
}

pub struct Sim {
    pub seed: Seed,
    pub recorder: Recorder,
    pub consent_denied: bool,
    pub codes: HashMap<String, Grant>,
    /// Live refresh tokens and the scopes they grant (a revoked one is removed).
    pub refresh_tokens: HashMap<String, Vec<String>>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// Property groups by object type, each by name (HubSpot's own and custom ones).
    pub groups: BTreeMap<String, BTreeMap<String, Value>>,
    /// Custom property definitions by object type, each by name; HubSpot's own are in `builtins`.
    pub properties: BTreeMap<String, BTreeMap<String, Value>>,
    pub builtins: BTreeMap<String, BTreeMap<String, Value>>,
    pub objects: BTreeMap<String, BTreeMap<u64, Record>>,
    pub associations: Vec<Association>,
    /// Workflow callback completions, in order (`callbackId` + body).
    pub callbacks: Vec<Value>,
    pub limits: Limits,
    /// The identifying values of the types batches have written, by type (`uniqueness::Index`).
    pub indexes: HashMap<&'static str, Index>,
    next_id: u64,
}

impl Sim {
    pub fn new(seed: Seed) -> Self {
        let mut sim = Self {
            objects: BTreeMap::new(),
            associations: Vec::new(),
            callbacks: Vec::new(),
            next_id: 1_000_001,
            recorder: Recorder::default(),
            consent_denied: false,
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            groups: BTreeMap::new(),
            properties: BTreeMap::new(),
            builtins: BTreeMap::new(),
            limits: Limits::default(),
            indexes: HashMap::new(),
            seed: seed.clone(),
        };
        sim.define_builtins();
        for (object, defs) in &seed.properties {
            for def in defs {
                let group = def["groupName"].as_str().unwrap_or("custom").to_string();
                sim.groups.entry(object.clone()).or_default().insert(
                    group.clone(),
                    json!({"name": group, "label": group, "displayOrder": -1, "archived": false}),
                );
                if let Some(name) = def["name"].as_str() {
                    let mut def = def.clone();
                    def["hasUniqueValue"] = json!(def["hasUniqueValue"].as_bool().unwrap_or(false));
                    sim.properties
                        .entry(object.clone())
                        .or_default()
                        .insert(name.to_string(), def);
                }
            }
        }
        for (object, list) in &seed.objects {
            for o in list {
                if let Ok(id) = o.id.parse() {
                    sim.put_record(object, id, o.properties.clone());
                }
            }
        }
        for a in &seed.associations {
            if let (Ok(from_id), Ok(to_id)) = (a.from_id.parse(), a.to_id.parse()) {
                let types = match a.types.is_empty() {
                    true => default_type(&a.from, &a.to).into_iter().collect(),
                    false => a.types.clone(),
                };
                for type_id in types
                    .into_iter()
                    .filter(|t| catalog::type_label(&a.from, &a.to, *t).is_some())
                {
                    sim.link(&a.from, from_id, &a.to, to_id, type_id);
                }
            }
        }
        sim
    }

    /// HubSpot's own property groups and properties of every object type, marked `hubspotDefined`.
    fn define_builtins(&mut self) {
        for (object, _) in catalog::OBJECT_TYPES {
            self.objects.entry(object.to_string()).or_default();
            let group = format!("{}information", object.trim_end_matches('s'));
            self.groups.entry(object.to_string()).or_default().insert(
                group.clone(),
                json!({"name": group, "label": group, "displayOrder": 0, "archived": false}),
            );
            let defs = self.builtins.entry(object.to_string()).or_default();
            for b in catalog::builtins(object) {
                let field_type = match b.kind {
                    "number" => "number",
                    "date" | "datetime" => "date",
                    "enumeration" => "select",
                    _ => "text",
                };
                let options: Vec<Value> = b
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| json!({"label": o, "value": o, "displayOrder": i, "hidden": false}))
                    .collect();
                defs.insert(
                    b.name.to_string(),
                    json!({"name": b.name, "label": b.name, "type": b.kind, "fieldType": field_type,
                        "groupName": group, "options": options, "hasUniqueValue": false,
                        "hubspotDefined": true, "archived": false,
                        "modificationMetadata": {"archivable": false, "readOnlyDefinition": true,
                            "readOnlyValue": b.read_only}}),
                );
            }
        }
    }

    /// A property's definition: a custom one, or HubSpot's own.
    pub fn property(&self, object: &str, name: &str) -> Option<&Value> {
        self.properties
            .get(object)
            .and_then(|d| d.get(name))
            .or_else(|| self.builtins.get(object)?.get(name))
    }

    /// Every property definition of a type, HubSpot's own first.
    pub fn property_list(&self, object: &str) -> Vec<&Value> {
        [&self.builtins, &self.properties]
            .into_iter()
            .filter_map(|defs| defs.get(object))
            .flat_map(|defs| defs.values())
            .collect()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.recorder.now()
    }

    /// A new access token (30 minutes, hubspot-api.md §1) granting `scopes`.
    pub fn issue_access(&mut self, scopes: Vec<String>) -> String {
        let access = format!("CJT-{}", uuid::Uuid::new_v4());
        let expires_at = self.now() + chrono::Duration::seconds(ACCESS_TTL_S);
        self.access_tokens
            .insert(access.clone(), AccessToken { expires_at, scopes });
        access
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Writes a record as the seed does (tests build big accounts with it).
    pub fn put_record(&mut self, object: &str, id: u64, properties: BTreeMap<String, String>) {
        self.indexes.remove(object);
        let now = self.now();
        self.objects.entry(object.to_string()).or_default().insert(
            id,
            Record {
                id,
                properties,
                created_at: now,
                updated_at: now,
                archived_at: None,
            },
        );
    }

    /// A live (not archived) record.
    pub fn live(&self, object: &str, id: u64) -> Option<&Record> {
        self.objects
            .get(object)?
            .get(&id)
            .filter(|r| r.archived_at.is_none())
    }

    /// Writes an association and its reverse (HubSpot keeps both directions).
    pub fn link(&mut self, from: &str, from_id: u64, to: &str, to_id: u64, type_id: u32) {
        let reverse = catalog::reverse_type(from, to, type_id);
        let pairs = [
            Some((from, from_id, to, to_id, type_id)),
            reverse.map(|r| (to, to_id, from, from_id, r)),
        ];
        for (f, fid, t, tid, type_id) in pairs.into_iter().flatten() {
            let a = Association {
                from: f.into(),
                from_id: fid,
                to: t.into(),
                to_id: tid,
                type_id,
            };
            if !self.associations.contains(&a) {
                self.associations.push(a);
            }
        }
    }

    /// The associations of one record to one type, in the order HubSpot's reads return them: not the order
    /// they were made (HubSpot guarantees none; here, the highest target id first), so clients that take
    /// "the first" one or keep association order are caught.
    pub fn associations_of(&self, from: &str, from_id: u64, to: &str) -> Vec<&Association> {
        let mut found: Vec<&Association> = self
            .associations
            .iter()
            .filter(|a| a.from == from && a.from_id == from_id && a.to == to)
            .collect();
        found.sort_by(|a, b| b.to_id.cmp(&a.to_id).then(a.type_id.cmp(&b.type_id)));
        found
    }

    /// Removes every association between two records, both directions.
    pub fn unlink(&mut self, from: &str, from_id: u64, to: &str, to_id: u64) {
        self.associations.retain(|a| {
            !((a.from == from && a.from_id == from_id && a.to == to && a.to_id == to_id)
                || (a.from == to && a.from_id == to_id && a.to == from && a.to_id == from_id))
        });
    }
}

impl Simulated for Sim {
    fn recorder(&mut self) -> &mut Recorder {
        &mut self.recorder
    }

    fn throttle(&mut self, path: &str) -> Option<axum::response::Response> {
        self.limits.throttle(path)
    }

    fn reset(&mut self) {
        *self = Sim::new(self.seed.clone());
    }
}

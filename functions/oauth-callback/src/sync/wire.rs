//! The sync API's JSON (SYNC_API.md): camelCase names, snake_case enum values, the three objects always
//! present. Requests are read strictly (unknown fields refused); answers are built from the stored types.

use serde::{Deserialize, Serialize};
use shared::domain::mapping::{defaults, Mapping, Shape};
use shared::ids::QboId;
use shared::sync::fields::locked;
use shared::sync::health::{Assessed, LastRun, State};
use shared::sync::settings::{ObjectSettings, OnChange, OnDelete, SyncSettings};
use shared::sync::SyncObject;
use std::collections::BTreeMap;

/// Most mappings one object may have (HubSpot's objects have a few hundred properties at most).
pub const MAX_MAPPINGS: usize = 200;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    realm_id: String,
    version: u64,
    objects: BTreeMap<SyncObject, ObjectView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectView {
    enabled: bool,
    on_change: OnChange,
    on_delete: OnDelete,
    mappings: Vec<MappingView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MappingView {
    sources: Vec<String>,
    target: String,
    shape: Shape,
    is_default: bool,
    locked: bool,
}

impl SettingsView {
    pub fn of(realm_id: &str, settings: &SyncSettings) -> Self {
        let objects = SyncObject::ALL
            .into_iter()
            .map(|o| (o, object_view(o, &settings.of(o))))
            .collect();
        Self {
            realm_id: realm_id.to_string(),
            version: settings.version,
            objects,
        }
    }
}

/// The stored mappings, then the key mapping the sync writes itself (shown, locked).
fn object_view(object: SyncObject, s: &ObjectSettings) -> ObjectView {
    let defaults = defaults(object);
    let locked = locked(object);
    let view = |m: &Mapping| MappingView {
        sources: m.sources.clone(),
        target: m.target.clone(),
        shape: m.shape,
        is_default: defaults.contains(m) || locked.contains(m),
        locked: locked.contains(m),
    };
    let key = &locked[0];
    ObjectView {
        enabled: s.enabled,
        on_change: s.on_change,
        on_delete: s.on_delete,
        mappings: s
            .mappings
            .iter()
            .filter(|m| *m != key)
            .chain([key])
            .map(view)
            .collect(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    pub version: u64,
    pub objects: ObjectsBody,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectsBody {
    pub contacts: ObjectBody,
    pub products: ObjectBody,
    pub invoices: ObjectBody,
}

impl ObjectsBody {
    pub fn get(&self, object: SyncObject) -> &ObjectBody {
        match object {
            SyncObject::Contacts => &self.contacts,
            SyncObject::Products => &self.products,
            SyncObject::Invoices => &self.invoices,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ObjectBody {
    pub enabled: bool,
    pub on_change: OnChange,
    pub on_delete: OnDelete,
    pub mappings: Vec<MappingBody>,
}

/// `isDefault` and `locked` are accepted and ignored: the server decides them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MappingBody {
    pub sources: Vec<String>,
    pub target: String,
    pub shape: Shape,
    #[serde(default, rename = "isDefault")]
    _is_default: Option<bool>,
    #[serde(default, rename = "locked")]
    _locked: Option<bool>,
}

impl From<&MappingBody> for Mapping {
    fn from(m: &MappingBody) -> Self {
        Mapping {
            sources: m.sources.clone(),
            target: m.target.clone(),
            shape: m.shape,
        }
    }
}

/// `POST /sync/failures/retry`: one record, or (an empty object) every failure of the company.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RetryBody {
    pub object: Option<SyncObject>,
    pub qbo_id: Option<QboId>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthView {
    realm_id: String,
    state: State,
    message: Option<String>,
    objects: BTreeMap<SyncObject, ObjectHealth>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectHealth {
    last_run: Option<RunView>,
    cursor_at: Option<String>,
    failed_count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunView {
    started_at: String,
    finished_at: Option<String>,
    read: u64,
    written: u64,
    failed: u64,
    outcome: shared::sync::health::Outcome,
    message: Option<String>,
}

fn utc(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl From<&LastRun> for RunView {
    fn from(r: &LastRun) -> Self {
        Self {
            started_at: utc(r.started_at),
            finished_at: r.finished_at.map(utc),
            read: r.read,
            written: r.written,
            failed: r.failed,
            outcome: r.outcome,
            message: r.message.clone(),
        }
    }
}

impl HealthView {
    pub fn of(realm_id: &str, a: &Assessed, failed: &BTreeMap<SyncObject, usize>) -> Self {
        let objects = SyncObject::ALL
            .into_iter()
            .map(|o| {
                // QuickBooks' own time of the last change set applied, in UTC.
                let cursor_at = a
                    .cursors
                    .get(&o)
                    .and_then(|c| c.since.as_deref())
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| utc(t.with_timezone(&chrono::Utc)));
                let health = ObjectHealth {
                    last_run: a.health.objects.get(&o).map(RunView::from),
                    cursor_at,
                    failed_count: failed.get(&o).copied().unwrap_or(0),
                };
                (o, health)
            })
            .collect();
        Self {
            realm_id: realm_id.to_string(),
            state: a.state,
            message: a.message.clone(),
            objects,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureView {
    pub object: SyncObject,
    pub qbo_id: String,
    pub hubspot_id: Option<String>,
    pub name: Option<String>,
    pub reason: String,
    pub failed_at: String,
    pub expires_at: String,
}

impl FailureView {
    pub fn of(f: &shared::sync::failures::Failure, hubspot_id: Option<String>) -> Self {
        Self {
            object: f.object,
            qbo_id: f.qbo_id.clone(),
            hubspot_id,
            name: f.name.clone(),
            reason: f.reason.clone(),
            failed_at: utc(f.failed_at),
            expires_at: utc(f.expires_at()),
        }
    }
}

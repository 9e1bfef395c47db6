//! What a portal's sync does per QuickBooks company and object: on or off, what a create or update in
//! QuickBooks does in HubSpot, what a delete or deactivation does, and the field mappings. Until an admin
//! saves settings (`PORTAL#{portal}` / `SYNC#{realm}`), every company syncs with the defaults below.

use super::SyncObject;
use crate::domain::mapping::{defaults, Mapping};
use crate::ids::RealmId;
use crate::store::{keys, Extras, Put, Store, StoreError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A create or update in QuickBooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnChange {
    CreateAndUpdate,
    /// Only records already in HubSpot follow their QuickBooks record.
    UpdateOnly,
    Nothing,
}

/// A delete (transactions) or deactivation (customers, items) in QuickBooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    /// To HubSpot's recycle bin (restorable for 90 days).
    Archive,
    /// Kept, with `qbo_active` false (or an invoice's `qbo_invoice_status` "Deleted").
    MarkInactive,
    Nothing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSettings {
    pub enabled: bool,
    pub on_change: OnChange,
    pub on_delete: OnDelete,
    pub mappings: Vec<Mapping>,
}

impl ObjectSettings {
    pub fn defaults(object: SyncObject) -> Self {
        Self {
            enabled: true,
            on_change: OnChange::CreateAndUpdate,
            // HubSpot refuses to delete an invoice that is not a draft, and a contact or product may carry
            // a sales history: keeping and marking loses nothing.
            on_delete: OnDelete::MarkInactive,
            mappings: defaults(object),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSettings {
    pub objects: BTreeMap<SyncObject, ObjectSettings>,
    /// 0 until an admin first saves; every save adds one, and a save names the version it replaces.
    #[serde(default)]
    pub version: u64,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            version: 0,
            objects: SyncObject::ALL
                .into_iter()
                .map(|o| (o, ObjectSettings::defaults(o)))
                .collect(),
        }
    }
}

impl SyncSettings {
    pub async fn load(
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
    ) -> Result<Self, StoreError> {
        let saved: Option<Self> = store
            .get(
                &keys::sync_settings(portal_id.into(), realm_id),
                Utc::now().timestamp(),
            )
            .await?;
        Ok(saved.unwrap_or_default())
    }

    /// Replaces the stored settings with `self` if they are still at `read` (one conditional write, so a
    /// concurrent save is refused whole, never half-applied). `self` becomes version `read + 1`; `false`
    /// means someone saved in between and nothing was written.
    pub async fn save_over(
        &mut self,
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
        read: u64,
    ) -> Result<bool, StoreError> {
        let Some(next) = read.checked_add(1) else {
            return Ok(false);
        };
        self.version = next;
        let when = match read {
            0 => Put::IfAbsent,
            _ => Put::IfFieldEquals {
                field: "version",
                value: read.into(),
            },
        };
        store
            .put(
                &keys::sync_settings(portal_id.into(), realm_id),
                self,
                &Extras::default(),
                when,
                Utc::now().timestamp(),
            )
            .await
    }

    /// The objects switched on, in the order a run applies them.
    pub fn enabled(&self) -> Vec<SyncObject> {
        SyncObject::ALL
            .into_iter()
            .filter(|o| self.of(*o).enabled)
            .collect()
    }

    pub fn of(&self, object: SyncObject) -> ObjectSettings {
        self.objects
            .get(&object)
            .cloned()
            .unwrap_or_else(|| ObjectSettings::defaults(object))
    }
}

//! What a portal's sync does per QuickBooks company and object: on or off, what a create or update in
//! QuickBooks does in HubSpot, what a delete or deactivation does, and the field mappings. Until an admin
//! saves settings (`PORTAL#{portal}` / `SYNC#{realm}`), every company syncs with the defaults below.

use super::SyncObject;
use crate::domain::mapping::{defaults, Mapping};
use crate::ids::RealmId;
use crate::store::{keys, Store, StoreError};
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
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
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

    pub fn of(&self, object: SyncObject) -> ObjectSettings {
        self.objects
            .get(&object)
            .cloned()
            .unwrap_or_else(|| ObjectSettings::defaults(object))
    }
}

//! Which HubSpot record a QuickBooks record became (`PORTAL#{portal}` / `MAP#{realm}#{entity}#{id}`).
//! Contacts need it most: a customer matched by e-mail to a contact that was already there keeps
//! that contact, and invoices find the contact of their customer without asking HubSpot. An invoice's entry
//! also keeps the keys of the line items it was written with, so that a line removed in QuickBooks is
//! archived in HubSpot on the next sync.

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Extras, Key, Store, StoreError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Mapped {
    hubspot_id: String,
    /// An invoice's line item keys when it was last written (empty for entries from before they were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    lines: Vec<String>,
}

fn key(portal_id: u64, realm_id: &RealmId, object: SyncObject, qbo_id: &str) -> Key {
    keys::sync_id_map(portal_id.into(), realm_id, object.entity(), qbo_id)
}

pub struct IdMap<'a> {
    pub store: &'a Store,
    pub portal_id: u64,
    pub realm_id: &'a RealmId,
}

impl IdMap<'_> {
    async fn get(
        &self,
        object: SyncObject,
        qbo_ids: &[&str],
    ) -> Result<HashMap<String, Mapped>, StoreError> {
        let keys: Vec<Key> = qbo_ids
            .iter()
            .map(|id| key(self.portal_id, self.realm_id, object, id))
            .collect();
        let mut found: HashMap<Key, Mapped> =
            self.store.get_many(&keys, Utc::now().timestamp()).await?;
        Ok(qbo_ids
            .iter()
            .zip(&keys)
            .filter_map(|(id, k)| found.remove(k).map(|m| (id.to_string(), m)))
            .collect())
    }

    async fn put(
        &self,
        object: SyncObject,
        entries: impl Iterator<Item = (&str, Mapped)>,
    ) -> Result<(), StoreError> {
        let items: Vec<(Key, Mapped)> = entries
            .map(|(qbo, m)| (key(self.portal_id, self.realm_id, object, qbo), m))
            .collect();
        self.store.put_many(&items, &Extras::default()).await
    }

    /// The HubSpot ids of these QuickBooks records, by QuickBooks id; unknown ones are left out.
    pub async fn find(
        &self,
        object: SyncObject,
        qbo_ids: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        let found = self.get(object, qbo_ids).await?;
        Ok(found
            .into_iter()
            .map(|(id, m)| (id, m.hubspot_id))
            .collect())
    }

    /// The line item keys each of these invoices was last written with, by QuickBooks id.
    pub async fn invoice_lines(
        &self,
        qbo_ids: &[&str],
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let found = self.get(SyncObject::Invoices, qbo_ids).await?;
        Ok(found.into_iter().map(|(id, m)| (id, m.lines)).collect())
    }

    /// Remembers `(QuickBooks id, HubSpot id)` pairs.
    pub async fn remember(
        &self,
        object: SyncObject,
        pairs: &[(String, String)],
    ) -> Result<(), StoreError> {
        let entries = pairs.iter().map(|(qbo, hs)| {
            let mapped = Mapped {
                hubspot_id: hs.clone(),
                lines: Vec::new(),
            };
            (qbo.as_str(), mapped)
        });
        self.put(object, entries).await
    }

    /// Remembers invoices written: `(QuickBooks id, HubSpot id, line item keys)`.
    pub async fn remember_invoices(
        &self,
        invoices: &[(String, String, Vec<String>)],
    ) -> Result<(), StoreError> {
        let entries = invoices.iter().map(|(qbo, hs, lines)| {
            let mapped = Mapped {
                hubspot_id: hs.clone(),
                lines: lines.clone(),
            };
            (qbo.as_str(), mapped)
        });
        self.put(SyncObject::Invoices, entries).await
    }
}

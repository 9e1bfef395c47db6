//! Which HubSpot record a QuickBooks record became (`PORTAL#{portal}` / `MAP#{realm}#{entity}#{id}`).
//! Contacts need it most: a customer matched by e-mail to a contact that was already there keeps
//! that contact, and invoices find the contact of their customer without asking HubSpot.

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Extras, Key, Store, StoreError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Mapped {
    hubspot_id: String,
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
    /// The HubSpot ids of these QuickBooks records, by QuickBooks id; unknown ones are left out.
    pub async fn find(
        &self,
        object: SyncObject,
        qbo_ids: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        let keys: Vec<Key> = qbo_ids
            .iter()
            .map(|id| key(self.portal_id, self.realm_id, object, id))
            .collect();
        let found: HashMap<Key, Mapped> =
            self.store.get_many(&keys, Utc::now().timestamp()).await?;
        Ok(qbo_ids
            .iter()
            .zip(&keys)
            .filter_map(|(id, k)| found.get(k).map(|m| (id.to_string(), m.hubspot_id.clone())))
            .collect())
    }

    /// Remembers `(QuickBooks id, HubSpot id)` pairs.
    pub async fn remember(
        &self,
        object: SyncObject,
        pairs: &[(String, String)],
    ) -> Result<(), StoreError> {
        let items: Vec<(Key, Mapped)> = pairs
            .iter()
            .map(|(qbo, hs)| {
                let k = key(self.portal_id, self.realm_id, object, qbo);
                (
                    k,
                    Mapped {
                        hubspot_id: hs.clone(),
                    },
                )
            })
            .collect();
        self.store.put_many(&items, &Extras::default()).await
    }
}

//! Links between a HubSpot record and a QuickBooks document, each with a snapshot of the document
//! (`PORTAL#{portalId}` / `LINK#{objectType}#{objectId}#{realmId}#{docType}#{docId}`).

use crate::domain::snapshot::Snapshot;
use crate::store::{keys, Key, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::ids::{Record, RecordType};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub portal_id: u64,
    pub record: Record,
    pub snapshot: Snapshot,
    pub linked_at: DateTime<Utc>,
}

impl Link {
    fn key(&self) -> Key {
        keys::link(
            self.portal_id.into(),
            &self.record,
            &self.snapshot.realm_id,
            self.snapshot.doc_type,
            &self.snapshot.id,
        )
    }

    /// Stores the link, or its newer snapshot.
    pub async fn save(&self, store: &Store) -> Result<(), StoreError> {
        store
            .save(&self.key(), self, Utc::now().timestamp())
            .await?;
        Ok(())
    }

    /// Every document linked to a record.
    pub async fn list(
        store: &Store,
        portal_id: u64,
        record: &Record,
    ) -> Result<Vec<Link>, StoreError> {
        store
            .query_prefix(
                &keys::links_of(portal_id.into(), record),
                Utc::now().timestamp(),
            )
            .await
    }
}

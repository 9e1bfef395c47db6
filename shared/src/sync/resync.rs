//! "Resync this object" (SYNC_API.md `POST /sync/resync`): the settings page leaves a request
//! (`RESYNC#{realm}#{entity}`) and queues a job; the company's next run starts that object's read from the
//! beginning, so every record already synced is written again with the current mappings, paced like any
//! run. A request outlives a run that is busy meanwhile: it is removed only once the read has started.

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Key, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Request {
    requested_at: DateTime<Utc>,
}

pub struct Resyncs<'a> {
    pub store: &'a Store,
    pub portal_id: u64,
    pub realm_id: &'a RealmId,
}

impl Resyncs<'_> {
    fn key(&self, object: SyncObject) -> Key {
        keys::sync_resync(self.portal_id.into(), self.realm_id, object.entity())
    }

    pub async fn request(&self, object: SyncObject) -> Result<(), StoreError> {
        let now = Utc::now();
        self.store
            .save(
                &self.key(object),
                &Request { requested_at: now },
                now.timestamp(),
            )
            .await
    }

    /// Which of `objects` an admin asked to read again.
    pub async fn pending(&self, objects: &[SyncObject]) -> Result<Vec<SyncObject>, StoreError> {
        let now = Utc::now().timestamp();
        let mut out = Vec::new();
        for &object in objects {
            if self
                .store
                .get::<Request>(&self.key(object), now)
                .await?
                .is_some()
            {
                out.push(object);
            }
        }
        Ok(out)
    }

    /// The read has started (its cursor is saved): the request is served.
    pub async fn started(&self, object: SyncObject) -> Result<(), StoreError> {
        self.store.delete(&self.key(object)).await
    }
}

//! Records a run could not apply (`PORTAL#{portal}` / `FAIL#{realm}#{entity}#{id}`), with the reason in
//! words an admin can act on. The cursor moves past them, so one bad record never stalls a company; the
//! next run reads them again by id and applies them, and a success removes the entry. An entry lives 30
//! days (TTL, and reads compare the expiry themselves).

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Extras, Key, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const KEEP: Duration = Duration::days(30);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub object: SyncObject,
    pub qbo_id: String,
    pub reason: String,
    pub failed_at: DateTime<Utc>,
}

fn key(portal_id: u64, realm_id: &RealmId, object: SyncObject, qbo_id: &str) -> Key {
    keys::sync_failure(portal_id.into(), realm_id, object.entity(), qbo_id)
}

pub struct Failures<'a> {
    pub store: &'a Store,
    pub portal_id: u64,
    pub realm_id: &'a RealmId,
}

impl Failures<'_> {
    pub async fn record(&self, failures: &[Failure]) -> Result<(), StoreError> {
        let Some(first) = failures.first() else {
            return Ok(());
        };
        let extras = Extras {
            gsi1: None,
            expires_at: Some((first.failed_at + KEEP).timestamp()),
        };
        let items: Vec<(Key, &Failure)> = failures
            .iter()
            .map(|f| (key(self.portal_id, self.realm_id, f.object, &f.qbo_id), f))
            .collect();
        self.store.put_many(&items, &extras).await
    }

    /// Every live failure of the company.
    pub async fn list(&self) -> Result<Vec<Failure>, StoreError> {
        self.store
            .query_prefix(
                &keys::sync_failures_of(self.portal_id.into(), self.realm_id),
                Utc::now().timestamp(),
            )
            .await
    }

    pub async fn clear(&self, object: SyncObject, qbo_ids: &[String]) -> Result<(), StoreError> {
        for id in qbo_ids {
            self.store
                .delete(&key(self.portal_id, self.realm_id, object, id))
                .await?;
        }
        Ok(())
    }
}

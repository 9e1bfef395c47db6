//! Records a run could not apply (`PORTAL#{portal}` / `FAIL#{realm}#{entity}#{id}`), with the reason in
//! words an admin can act on. The cursor moves past them, so one bad record never stalls a company; the
//! next run reads them again by id and applies them, and a success removes the entry. An entry lives 30
//! days (TTL, and reads compare the expiry themselves).

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Extras, Key, KeyPrefix, Page, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const KEEP: Duration = Duration::days(30);

/// DynamoDB's limit on a sort key's length, in bytes.
const MAX_SORT_KEY: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub object: SyncObject,
    pub qbo_id: String,
    pub reason: String,
    pub failed_at: DateTime<Utc>,
    /// What the admin knows the record by (a customer's display name, an invoice's number), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Failure {
    /// When the entry stops counting (DynamoDB's TTL removes it some time after).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.failed_at + KEEP
    }
}

fn key(portal_id: u64, realm_id: &RealmId, object: SyncObject, qbo_id: &str) -> Key {
    keys::sync_failure(portal_id.into(), realm_id, object.entity(), qbo_id)
}

#[derive(Debug, Error)]
pub enum PageError {
    /// `after` is not a token this list handed out (another company's, another object's, or made up).
    #[error("the after token is not one this list gave out; start from the first page")]
    BadToken,
    #[error(transparent)]
    Store(#[from] StoreError),
}
use PageError::BadToken;

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
            expires_at: Some(first.expires_at().timestamp()),
        };
        let items: Vec<(Key, &Failure)> = failures
            .iter()
            .map(|f| (key(self.portal_id, self.realm_id, f.object, &f.qbo_id), f))
            .collect();
        self.store.put_many(&items, &extras).await
    }

    /// Every live failure of the company.
    pub async fn list(&self) -> Result<Vec<Failure>, StoreError> {
        let now = Utc::now();
        let mut all: Vec<Failure> = self
            .store
            .query_prefix(
                &keys::sync_failures_of(self.portal_id.into(), self.realm_id),
                now.timestamp(),
            )
            .await?;
        all.retain(|f| f.expires_at() > now);
        Ok(all)
    }

    /// The live failure of one record, if it has one (one read, for a retry of that record).
    pub async fn find(
        &self,
        object: SyncObject,
        qbo_id: &str,
    ) -> Result<Option<Failure>, StoreError> {
        let now = Utc::now();
        let found: Option<Failure> = self
            .store
            .get(
                &key(self.portal_id, self.realm_id, object, qbo_id),
                now.timestamp(),
            )
            .await?;
        Ok(found.filter(|f| f.expires_at() > now))
    }

    /// One page of live failures, of one object or of all, after `after` (a previous page's `next`).
    pub async fn page(
        &self,
        object: Option<SyncObject>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Failure>, PageError> {
        let prefix = self.prefix(object);
        // A sort key is at most 1,024 bytes: a longer token is none we gave out, and DynamoDB would refuse it.
        if after.is_some_and(|sk| sk.len() > MAX_SORT_KEY || !sk.starts_with(&prefix.sk_prefix)) {
            return Err(BadToken);
        }
        let now = Utc::now();
        let mut page: Page<Failure> = self
            .store
            .query_prefix_page(&prefix, limit, after, now.timestamp())
            .await?;
        // An entry written with another expiry than ours still goes when its 30 days are over.
        page.items.retain(|f| f.expires_at() > now);
        Ok(page)
    }

    fn prefix(&self, object: Option<SyncObject>) -> KeyPrefix {
        match object {
            Some(o) => {
                keys::sync_failures_of_entity(self.portal_id.into(), self.realm_id, o.entity())
            }
            None => keys::sync_failures_of(self.portal_id.into(), self.realm_id),
        }
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

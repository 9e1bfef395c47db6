//! Where a company's sync of one object stands (`PORTAL#{portal}` / `CURSOR#{realm}#{entity}`): the point
//! CDC continues from, or a paged read in progress. It only ever moves past records that were applied, and
//! every time in it is QuickBooks' own clock, never ours.

use super::SyncObject;
use crate::ids::RealmId;
use crate::store::{keys, Key, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// CDC looks back 30 days at most (quickbooks-api.md §5); a cursor older than this restarts with a full read.
/// A day short of it, so a cursor that ages during a slow run is not refused half-way.
pub const CDC_LOOKBACK: Duration = Duration::days(29);

/// A paged read ordered by `MetaData.LastUpdatedTime` that restarts each page from the last time it applied
/// (a keyset), so a record updated or deleted meanwhile never shifts the pages and hides another.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// `MetaData.LastUpdatedTime` of the last record applied, as QuickBooks wrote it; `None` at the start.
    pub mark: Option<String>,
    /// How many records with exactly `mark` were applied: the next page skips them.
    pub ties: u32,
    /// QuickBooks' `time` before the read began: CDC continues from it once the read is done, so changes
    /// made during the read are picked up again.
    pub started: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// QuickBooks' `time` of the last change set applied: CDC's next `changedSince`.
    pub since: Option<String>,
    /// A paged read in progress (first sync, a gap beyond CDC's reach, or more changes than CDC returns).
    pub scan: Option<Scan>,
    /// Our clock when the cursor last moved: how stale the company's sync is.
    pub moved_at: Option<DateTime<Utc>>,
}

fn key(portal_id: u64, realm_id: &RealmId, object: SyncObject) -> Key {
    keys::sync_cursor(portal_id.into(), realm_id, object.entity())
}

impl Cursor {
    pub async fn load(
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
        object: SyncObject,
    ) -> Result<Self, StoreError> {
        let now = Utc::now();
        Ok(store
            .get(&key(portal_id, realm_id, object), now.timestamp())
            .await?
            .unwrap_or_default())
    }

    pub async fn save(
        &mut self,
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
        object: SyncObject,
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        self.moved_at = Some(now);
        store
            .save(&key(portal_id, realm_id, object), self, now.timestamp())
            .await
    }

    /// Whether the next pull is a paged read: one is under way, the object never synced, or the last
    /// change set is beyond CDC's lookback.
    pub fn needs_scan(&self, now: DateTime<Utc>) -> bool {
        self.scan.is_some()
            || self.since.is_none()
            || self.moved_at.is_none_or(|at| now - at > CDC_LOOKBACK)
    }

    /// Starts a paged read: from the beginning, or from `from` (QuickBooks' time) when CDC overflowed.
    pub fn start_scan(&mut self, from: Option<String>) {
        self.scan = Some(Scan {
            mark: from,
            ties: 0,
            started: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_or_old_cursor_scans_a_recent_one_uses_cdc() {
        let now = Utc::now();
        assert!(Cursor::default().needs_scan(now));
        let recent = Cursor {
            since: Some("2026-11-30T10:00:00-08:00".into()),
            scan: None,
            moved_at: Some(now - Duration::days(2)),
        };
        assert!(!recent.needs_scan(now));
        let old = Cursor {
            moved_at: Some(now - Duration::days(45)),
            ..recent.clone()
        };
        assert!(old.needs_scan(now));
        let mut scanning = recent;
        scanning.start_scan(Some("2026-11-30T10:00:00-08:00".into()));
        assert!(scanning.needs_scan(now));
    }
}

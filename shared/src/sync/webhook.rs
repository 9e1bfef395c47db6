//! What a QuickBooks webhook starts (B7): one sync job per connected company, naming the objects that
//! changed, on the queue the schedule feeds; and, when the job runs, whether another run already applied
//! what it was woken for.
//!
//! The route only enqueues, so it answers well inside Intuit's 3 seconds (quickbooks-api.md §6). The job
//! runs through the scheduled sync's own code (CDC since the cursor, under the portal's lease), so merges,
//! deletes, voids and e-mails are applied exactly as a scheduled run applies them; the schedule stays the
//! safety net for a notification that never came.

use super::cursor::Cursor;
use super::queue::{Job, JobQueue, QueueError};
use super::SyncObject;
use crate::connections::{Connection, Status};
use crate::ids::RealmId;
use crate::quickbooks::webhook::{Event, Operation};
use crate::store::{Store, StoreError};
use crate::App;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// What one notification changed in one company.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub realm_id: RealmId,
    pub objects: BTreeSet<SyncObject>,
    /// The latest event's time.
    pub changed_at: DateTime<FixedOffset>,
}

/// The objects an event touches. A payment changes the balances of the invoices it pays (QuickBooks
/// updates those invoices), so it wakes the invoices; entities the sync does not carry wake nothing.
fn object_of(entity: &str) -> Option<SyncObject> {
    match entity {
        "customer" => Some(SyncObject::Contacts),
        "item" => Some(SyncObject::Products),
        "invoice" | "payment" => Some(SyncObject::Invoices),
        _ => None,
    }
}

/// The events grouped by company, each company once however many events it had; and how many events named
/// something the sync does not carry.
pub fn changes(events: &[Event]) -> (Vec<Change>, usize) {
    let mut by_realm: BTreeMap<&RealmId, Change> = BTreeMap::new();
    let mut ignored = 0;
    for e in events {
        let Some(object) = object_of(&e.entity) else {
            ignored += 1;
            continue;
        };
        let change = by_realm.entry(&e.realm_id).or_insert_with(|| Change {
            realm_id: e.realm_id.clone(),
            objects: BTreeSet::new(),
            changed_at: e.at,
        });
        change.objects.insert(object);
        // A merged customer's transactions now belong to the customer that stays.
        if e.operation == Operation::Merge && object == SyncObject::Contacts {
            change.objects.insert(SyncObject::Invoices);
        }
        change.changed_at = change.changed_at.max(e.at);
    }
    (by_realm.into_values().collect(), ignored)
}

/// What the route did with a notification.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Woken {
    /// Sync jobs queued (one per connected account of each company).
    pub queued: usize,
    /// Companies no account has connected (or whose connection is not active): dropped.
    pub unknown_companies: usize,
    /// Events about entities the sync does not carry.
    pub ignored_events: usize,
}

#[derive(Debug, Error)]
pub enum WakeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

/// Queues one job per connected account of each company the events name.
pub async fn wake(app: &App, queue: &dyn JobQueue, events: &[Event]) -> Result<Woken, WakeError> {
    let (changes, ignored_events) = changes(events);
    let mut woken = Woken {
        ignored_events,
        ..Woken::default()
    };
    let now = Utc::now().timestamp();
    let mut jobs = Vec::new();
    for change in changes {
        let active: Vec<Connection> = Connection::list_for_realm(&app.store, &change.realm_id, now)
            .await?
            .into_iter()
            .filter(|c| c.status == Status::Active)
            .collect();
        if active.is_empty() {
            tracing::warn!(realm_id = %change.realm_id, "webhook for a company no account has connected: dropped");
            woken.unknown_companies += 1;
        }
        jobs.extend(active.into_iter().map(|c| Job {
            portal_id: c.portal_id,
            realm_id: c.realm_id,
            objects: Some(change.objects.iter().copied().collect()),
            changed_at: Some(change.changed_at),
        }));
    }
    queue.send(&jobs, 0).await?;
    woken.queued = jobs.len();
    Ok(woken)
}

/// Whether every object's cursor is past `changed_at`: a run since the change read it (CDC returns what
/// changed up to its answer's time, and a cursor is that time less a second), so a webhook job that finds
/// this has nothing to pull. A scan under way, or an object never synced, is not past anything.
pub async fn already_applied(
    store: &Store,
    job: &Job,
    objects: &[SyncObject],
    changed_at: DateTime<FixedOffset>,
) -> Result<bool, StoreError> {
    let now = Utc::now();
    for &object in objects {
        let cursor = Cursor::load(store, job.portal_id, &job.realm_id, object).await?;
        let past = !cursor.needs_scan(now)
            && cursor
                .since
                .as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .is_some_and(|since| since > changed_at);
        if !past {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(realm: &str, entity: &str, at: &str) -> Event {
        Event {
            realm_id: realm.parse().unwrap(),
            entity: entity.into(),
            id: "1".parse().unwrap(),
            operation: Operation::Update,
            at: DateTime::parse_from_rfc3339(at).unwrap(),
            deleted_id: None,
        }
    }

    #[test]
    fn a_hundred_events_of_one_company_make_one_change_naming_each_object_once() {
        let mut events: Vec<Event> = (0..98)
            .map(|i| {
                event(
                    "7",
                    "invoice",
                    &format!("2026-11-22T09:00:{:02}-08:00", i % 60),
                )
            })
            .collect();
        events.push(event("7", "customer", "2026-11-22T09:01:30-08:00"));
        events.push(event("7", "payment", "2026-11-22T09:00:00-08:00"));
        let (changes, ignored) = changes(&events);
        assert_eq!(ignored, 0);
        assert_eq!(
            changes,
            [Change {
                realm_id: "7".parse().unwrap(),
                objects: [SyncObject::Contacts, SyncObject::Invoices].into(),
                changed_at: DateTime::parse_from_rfc3339("2026-11-22T09:01:30-08:00").unwrap(),
            }]
        );
    }

    #[test]
    fn a_customer_merge_wakes_the_invoices_that_moved_with_it() {
        let mut merge = event("7", "customer", "2026-11-22T09:00:00-08:00");
        merge.operation = Operation::Merge;
        let (changes, _) = changes(&[merge]);
        assert_eq!(
            changes[0].objects,
            [SyncObject::Contacts, SyncObject::Invoices].into()
        );
    }

    #[test]
    fn companies_stay_apart_and_entities_the_sync_does_not_carry_are_counted() {
        let events = [
            event("7", "item", "2026-11-22T09:00:00-08:00"),
            event("8", "item", "2026-11-22T09:00:00-08:00"),
            event("8", "vendor", "2026-11-22T09:00:00-08:00"),
            event("9", "account", "2026-11-22T09:00:00-08:00"),
        ];
        let (changes, ignored) = changes(&events);
        assert_eq!(ignored, 2);
        let realms: Vec<&str> = changes.iter().map(|c| c.realm_id.as_str()).collect();
        assert_eq!(realms, ["7", "8"]);
    }
}

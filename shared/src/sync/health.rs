//! How a company's sync is doing (S6): the last run of each object (`PORTAL#{portal}` / `HEALTH#{realm}`,
//! written by the worker after every run), how many runs in a row failed, and from those and the cursors
//! the company's state: fine, never synced, waiting for a reconnect, or stuck. The settings page shows it
//! per object; the card shows a stuck company as a notice.

use super::cursor::Cursor;
use super::SyncObject;
use crate::connections::{Connection, Status};
use crate::ids::RealmId;
use crate::store::{keys, Store, StoreError};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Runs in a row that failed before a company counts as stuck.
pub const FAILED_RUNS_STUCK: u32 = 3;

/// How a run ended, as the settings page names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Everything was applied.
    Done,
    /// The run's time ran out; the next run continues where it stopped.
    Paused,
    /// Someone must act first (reconnect the company, reinstall the app).
    Stopped,
    /// An error ended it; the run is tried again.
    Failed,
}

/// One object's part of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub read: u64,
    pub written: u64,
    pub failed: u64,
    pub outcome: Outcome,
    pub message: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub objects: BTreeMap<SyncObject, LastRun>,
    /// Runs in a row that ended `Failed` (0 after any other ending).
    pub failed_runs: u32,
}

/// What one object did in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub read: u64,
    pub written: u64,
    pub failed: u64,
}

/// A company's state, as `GET /sync/health` and the card's notices say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Ok,
    NeverRun,
    ReconnectNeeded,
    Stuck,
}

fn key(portal_id: u64, realm_id: &RealmId) -> crate::store::Key {
    keys::sync_health(portal_id.into(), realm_id)
}

impl Health {
    pub async fn load(
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
    ) -> Result<Self, StoreError> {
        Ok(store
            .get(&key(portal_id, realm_id), Utc::now().timestamp())
            .await?
            .unwrap_or_default())
    }

    /// Notes a run of `objects` (a run covers the objects it was asked for; the others keep their last).
    /// One portal's runs never overlap (its lease), so a plain write cannot lose another run's note.
    pub async fn note_run(
        store: &Store,
        portal_id: u64,
        realm_id: &RealmId,
        run: &[(SyncObject, Counts)],
        ended: (DateTime<Utc>, DateTime<Utc>, Outcome, Option<String>),
    ) -> Result<(), StoreError> {
        let (started_at, finished_at, outcome, message) = ended;
        let mut health = Self::load(store, portal_id, realm_id).await?;
        health.failed_runs = match outcome {
            Outcome::Failed => health.failed_runs.saturating_add(1),
            _ => 0,
        };
        for (object, counts) in run {
            health.objects.insert(
                *object,
                LastRun {
                    started_at,
                    finished_at: Some(finished_at),
                    read: counts.read,
                    written: counts.written,
                    failed: counts.failed,
                    outcome,
                    message: message.clone(),
                },
            );
        }
        store
            .save(&key(portal_id, realm_id), &health, finished_at.timestamp())
            .await
    }
}

/// A company's state and why, from its connection, its runs and its cursors.
pub struct Assessed {
    pub state: State,
    pub message: Option<String>,
    pub health: Health,
    pub cursors: BTreeMap<SyncObject, Cursor>,
}

/// Assesses one company: `stale_after` is how long a cursor may stand still before the company is stuck.
pub async fn assess(
    store: &Store,
    connection: &Connection,
    enabled: &[SyncObject],
    stale_after: Duration,
    now: DateTime<Utc>,
) -> Result<Assessed, StoreError> {
    let (portal_id, realm_id) = (connection.portal_id, &connection.realm_id);
    let health = Health::load(store, portal_id, realm_id).await?;
    let mut cursors = BTreeMap::new();
    for object in SyncObject::ALL {
        cursors.insert(
            object,
            Cursor::load(store, portal_id, realm_id, object).await?,
        );
    }
    let (state, message) = judge(connection, &health, &cursors, enabled, stale_after, now);
    Ok(Assessed {
        state,
        message,
        health,
        cursors,
    })
}

fn judge(
    connection: &Connection,
    health: &Health,
    cursors: &BTreeMap<SyncObject, Cursor>,
    enabled: &[SyncObject],
    stale_after: Duration,
    now: DateTime<Utc>,
) -> (State, Option<String>) {
    let name = &connection.profile.name;
    if connection.status == Status::ReconnectNeeded {
        return (
            State::ReconnectNeeded,
            Some(format!(
                "QuickBooks refused the authorization of {name}; nothing syncs until it is reconnected in the app settings"
            )),
        );
    }
    if health.failed_runs >= FAILED_RUNS_STUCK {
        let why = health
            .objects
            .values()
            .max_by_key(|r| r.started_at)
            .and_then(|r| r.message.clone())
            .unwrap_or_else(|| "an error".into());
        return (
            State::Stuck,
            Some(format!(
                "The last {} syncs of {name} failed ({why}); they are tried again on every schedule",
                health.failed_runs
            )),
        );
    }
    let moved: Vec<(SyncObject, DateTime<Utc>)> = enabled
        .iter()
        .filter_map(|o| Some((*o, cursors.get(o)?.moved_at?)))
        .collect();
    if health.objects.is_empty() && moved.is_empty() {
        return (
            State::NeverRun,
            Some(format!("{name} has not been synced yet")),
        );
    }
    if let Some((object, at)) = moved
        .iter()
        .filter(|(_, at)| now - *at > stale_after)
        .min_by_key(|(_, at)| *at)
    {
        return (
            State::Stuck,
            Some(format!(
                "The {} of {name} have not synced since {}",
                object.hubspot_object(),
                at.to_rfc3339_opts(SecondsFormat::Secs, true)
            )),
        );
    }
    (State::Ok, None)
}

/// The card's notices about the portal's companies whose sync needs a person (reconnect, or stuck).
pub async fn notices(
    store: &Store,
    connections: &[Connection],
    stale_after: Duration,
    now: DateTime<Utc>,
) -> Vec<String> {
    let mut out = Vec::new();
    for c in connections
        .iter()
        .filter(|c| c.status != Status::Disconnected)
    {
        let enabled =
            match super::settings::SyncSettings::load(store, c.portal_id, &c.realm_id).await {
                Ok(s) => s.enabled(),
                Err(e) => {
                    tracing::warn!(error = %e, "sync settings unreadable; no sync notice");
                    continue;
                }
            };
        match assess(store, c, &enabled, stale_after, now).await {
            Ok(a) if matches!(a.state, State::ReconnectNeeded | State::Stuck) => {
                out.extend(a.message.map(|m| format!("Sync: {m}")))
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sync health unreadable; no sync notice"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(status: Status) -> Connection {
        serde_json::from_value(serde_json::json!({
            "portal_id": 1, "realm_id": "9130", "environment": "production", "status": status,
            "connected_at": "2026-12-01T00:00:00Z",
            "profile": {"name": "Acme", "country": "US", "home_currency": "USD", "multi_currency": false,
                "custom_txn_numbers": false, "line_tax_codes_required": false}
        }))
        .unwrap()
    }

    fn run(outcome: Outcome) -> LastRun {
        LastRun {
            started_at: Utc::now(),
            finished_at: Some(Utc::now()),
            read: 1,
            written: 1,
            failed: 0,
            outcome,
            message: Some("QuickBooks failed".into()),
        }
    }

    #[test]
    fn a_company_is_judged_by_its_grant_its_failed_runs_and_its_cursors() {
        let now = Utc::now();
        let all = SyncObject::ALL;
        let six = Duration::hours(6);
        let empty = BTreeMap::new();
        let judged = |c: &Connection, h: &Health, cursors: &BTreeMap<SyncObject, Cursor>| {
            judge(c, h, cursors, &all, six, now).0
        };
        let active = connection(Status::Active);
        assert_eq!(judged(&active, &Health::default(), &empty), State::NeverRun);
        assert_eq!(
            judged(
                &connection(Status::ReconnectNeeded),
                &Health::default(),
                &empty
            ),
            State::ReconnectNeeded
        );
        let mut health = Health::default();
        health
            .objects
            .insert(SyncObject::Contacts, run(Outcome::Failed));
        health.failed_runs = 2;
        let fresh: BTreeMap<SyncObject, Cursor> = all
            .into_iter()
            .map(|o| {
                (
                    o,
                    Cursor {
                        moved_at: Some(now - Duration::hours(1)),
                        ..Cursor::default()
                    },
                )
            })
            .collect();
        assert_eq!(judged(&active, &health, &fresh), State::Ok);
        health.failed_runs = 3;
        assert_eq!(judged(&active, &health, &fresh), State::Stuck);
        health.failed_runs = 0;
        let mut stale = fresh.clone();
        stale.insert(
            SyncObject::Invoices,
            Cursor {
                moved_at: Some(now - Duration::hours(7)),
                ..Cursor::default()
            },
        );
        let (state, message) = judge(&active, &health, &stale, &all, six, now);
        assert_eq!(state, State::Stuck);
        assert!(message
            .unwrap()
            .contains("invoices of Acme have not synced"));
        // A switched-off object's cursor stands still on purpose.
        assert_eq!(
            judge(&active, &health, &stale, &all[..2], six, now).0,
            State::Ok
        );
    }
}

//! The two halves of the sync Lambda. `plan` (the schedule's tick) queues one job per active company and
//! does no sync work itself, so its cost does not grow with the number of companies. `work` (the queue's
//! deliveries) runs each job under its portal's lease: one portal's companies never run at once (they
//! share the portal's HubSpot rate limit and may write the same contacts), while other portals run in
//! parallel in other Lambdas. A job whose portal is busy, or that the deadline cuts short, goes back on
//! the queue instead of failing, so a slow company never pushes another into the dead-letter queue.

use super::cursor::Cursor;
use super::health::{Counts, Health, Outcome};
use super::metrics::{PlanMetrics, RunMetrics};
use super::queue::{Job, JobQueue};
use super::run::{run, Deadline, Ending};
use super::settings::SyncSettings;
use super::SyncObject;
use crate::connections::{Connection, Status};
use crate::outbound::within;
use crate::pace::{paced, Limit, Pacer};
use crate::store::StoreError;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a busy portal's job waits before it is delivered again.
pub const BUSY_DELAY_SECS: i32 = 30;
/// The same for a webhook's job, which should land within seconds: it is cheap to try again, since once
/// the lease is free it either pulls the change or finds it applied and makes no call.
pub const WOKEN_BUSY_DELAY_SECS: i32 = 3;
/// What a lease outlives its run by, in case the Lambda dies holding it.
const LEASE_SLACK: Duration = Duration::from_secs(60);
/// The APIs' limits (quickbooks-api.md §8: 10 a second and 500 a minute per company; hubspot-api.md §6: 110
/// per 10 s per account), less a share for the card and workflows working the same account meanwhile.
const LIMITS: [Limit; 3] = [
    Limit {
        service: "HubSpot",
        calls: 100,
        per: Duration::from_secs(10),
    },
    Limit {
        service: "QuickBooks",
        calls: 9,
        per: Duration::from_secs(1),
    },
    Limit {
        service: "QuickBooks",
        calls: 450,
        per: Duration::from_secs(60),
    },
];
/// The least time a run's throttled calls may wait out, however late it starts.
const MIN_WAIT_BUDGET: Duration = Duration::from_secs(30);

#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub queued: usize,
    pub reconnect_needed: usize,
    pub disconnected: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] super::queue::QueueError),
}

pub async fn plan(app: &App, queue: &dyn JobQueue) -> Result<Planned, PlanError> {
    let connections = Connection::list_all(&app.store, Utc::now().timestamp()).await?;
    let mut planned = Planned::default();
    let mut jobs = Vec::new();
    for c in connections {
        match c.status {
            Status::Active => jobs.push(Job {
                portal_id: c.portal_id,
                realm_id: c.realm_id,
                objects: None,
                changed_at: None,
            }),
            Status::ReconnectNeeded => {
                tracing::warn!(portal_id = c.portal_id, realm_id = %c.realm_id, "not synced: reconnect needed");
                planned.reconnect_needed += 1
            }
            Status::Disconnected => planned.disconnected += 1,
        }
    }
    queue.send(&jobs, 0).await?;
    planned.queued = jobs.len();
    PlanMetrics {
        stage: &app.config.stage,
        queued: planned.queued,
        reconnect_needed: planned.reconnect_needed,
        at: Utc::now(),
    }
    .emit();
    Ok(planned)
}

/// One queued message.
pub struct Delivery {
    pub message_id: String,
    pub body: String,
}

/// Runs each delivery; returns the ids of the messages to deliver again (SQS partial batch failure).
pub async fn work(
    app: &App,
    queue: &dyn JobQueue,
    deliveries: Vec<Delivery>,
    stop_at: Instant,
) -> Vec<String> {
    let mut retry = Vec::new();
    for (i, d) in deliveries.iter().enumerate() {
        // The first job always runs (a run applies at least one page); later ones only while time is left.
        let late = i > 0 && Instant::now() >= stop_at;
        if !one(app, queue, d, stop_at, late).await {
            retry.push(d.message_id.clone());
        }
    }
    retry
}

/// Whether the message is done with (run, re-queued, or unreadable and logged for the DLQ's sake).
async fn one(app: &App, queue: &dyn JobQueue, d: &Delivery, stop_at: Instant, late: bool) -> bool {
    let job: Job = match serde_json::from_str(&d.body) {
        Ok(j) => j,
        Err(e) => {
            // Delivered again until it lands in the dead-letter queue, where its alarm calls a person.
            tracing::error!(message_id = %d.message_id, error = %e, "unreadable sync job");
            return false;
        }
    };
    let job = &job;
    let requeue = |delay| async move {
        match queue.send(std::slice::from_ref(job), delay).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "re-queueing a sync job failed; SQS delivers it again");
                false
            }
        }
    };
    if late {
        return requeue(0).await;
    }
    // A throttled call may wait this long (a run past its stop time still finishes its one page).
    let left = stop_at
        .saturating_duration_since(Instant::now())
        .max(MIN_WAIT_BUDGET);
    let lease_name = crate::store::keys::sync_lease(job.portal_id.into());
    let owner = d.message_id.clone();
    let now_ms = Utc::now().timestamp_millis();
    let held_ms = i64::try_from((left + LEASE_SLACK).as_millis()).unwrap_or(i64::MAX);
    let lease = match app
        .store
        .acquire_lease(&lease_name, &owner, held_ms, now_ms)
        .await
    {
        Ok(Some(lease)) => lease,
        Ok(None) if job.changed_at.is_some() => return requeue(WOKEN_BUSY_DELAY_SECS).await,
        Ok(None) => return requeue(BUSY_DELAY_SECS).await,
        Err(e) => {
            tracing::error!(error = %e, "taking the portal's sync lease failed");
            return false;
        }
    };
    let started = Instant::now();
    let started_at = Utc::now();
    let pacer = std::sync::Arc::new(Pacer::new(&LIMITS));
    let outcome = paced(
        pacer.clone(),
        within(left, run(app, job, &Deadline { stop_at })),
    )
    .await;
    if let Err(e) = app.store.release_lease(&lease).await {
        tracing::warn!(error = %e, "releasing the portal's sync lease failed; it expires on its own");
    }
    let elapsed_ms = started.elapsed().as_millis();
    let done = match &outcome {
        Ok((Ending::Paused, _)) => requeue(0).await,
        Ok(_) => true,
        Err(_) => false,
    };
    let (ended, counts, message) = match outcome {
        Ok((ending, tally)) => {
            tracing::info!(portal_id = job.portal_id, realm_id = %job.realm_id, ?ending, ?tally, elapsed_ms, "sync run");
            let (ended, message) = match ending {
                Ending::Done => (Outcome::Done, None),
                Ending::Paused => (Outcome::Paused, None),
                Ending::Stopped(why) => (Outcome::Stopped, Some(why)),
            };
            (ended, tally.objects, message)
        }
        Err(e) => {
            tracing::error!(portal_id = job.portal_id, realm_id = %job.realm_id, error = %e, elapsed_ms, "sync run failed");
            let message = AppError::from(e).public_message();
            (Outcome::Failed, BTreeMap::new(), Some(message))
        }
    };
    let report = Report {
        ended,
        counts,
        message,
        started_at,
        duration_ms: u64::try_from(elapsed_ms).unwrap_or(u64::MAX),
        pacer: &pacer,
    };
    report.note(app, job).await;
    done
}

/// What a run ended with, for the company's health and the run's metrics.
struct Report<'a> {
    ended: Outcome,
    counts: BTreeMap<SyncObject, Counts>,
    message: Option<String>,
    started_at: DateTime<Utc>,
    duration_ms: u64,
    pacer: &'a Pacer,
}

impl Report<'_> {
    /// Notes the run in the company's health and emits its metrics line. Neither may fail the job: the
    /// records are applied whatever the note says.
    async fn note(self, app: &App, job: &Job) {
        let finished_at = Utc::now();
        let objects = match SyncSettings::load(&app.store, job.portal_id, &job.realm_id).await {
            Ok(settings) => settings.enabled(),
            Err(e) => {
                tracing::warn!(error = %e, "sync settings unreadable after the run");
                SyncObject::ALL.to_vec()
            }
        };
        let run: Vec<(SyncObject, Counts)> = objects
            .into_iter()
            .filter(|o| job.objects.as_ref().is_none_or(|only| only.contains(o)))
            .map(|o| (o, self.counts.get(&o).copied().unwrap_or_default()))
            .collect();
        let mut cursor_age_s = None;
        for (object, _) in &run {
            if let Ok(c) = Cursor::load(&app.store, job.portal_id, &job.realm_id, *object).await {
                let age = c.moved_at.map(|at| (finished_at - at).num_seconds());
                cursor_age_s = cursor_age_s.max(age);
            }
        }
        let ended = (self.started_at, finished_at, self.ended, self.message);
        if let Err(e) =
            Health::note_run(&app.store, job.portal_id, &job.realm_id, &run, ended).await
        {
            tracing::warn!(error = %e, "the run's health was not noted");
        }
        RunMetrics {
            stage: &app.config.stage,
            portal_id: job.portal_id,
            realm_id: job.realm_id.as_str(),
            outcome: self.ended,
            objects: &run,
            quickbooks: self.pacer.counted("QuickBooks"),
            hubspot: self.pacer.counted("HubSpot"),
            duration_ms: self.duration_ms,
            cursor_age_s,
            at: finished_at,
        }
        .emit();
    }
}

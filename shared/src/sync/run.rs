//! One company's sync run: retry the records that failed before, then pull each object's changes since its
//! cursor and apply them page by page, checkpointing after every page. A run that nears its deadline stops
//! between pages and says so; the next run continues from the checkpoint, so a run split over several
//! invocations ends where one long run would.

use super::apply::{apply, Applied, ApplyError, Sink};
use super::cursor::Cursor;
use super::failures::Failures;
use super::health::Counts;
use super::idmap::IdMap;
use super::linked::LinkedInvoices;
use super::pull::{self, Record};
use super::queue::Job;
use super::resync::Resyncs;
use super::settings::SyncSettings;
use super::SyncObject;
use crate::documents::company::{Company, HubSpot};
use crate::domain::mapping::field;
use crate::quickbooks::{QboApi, QboError};
use crate::store::StoreError;
use crate::{App, AppError, ErrorCode};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;
use thiserror::Error;

/// What ended a run.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// Everything the company had was applied.
    Done,
    /// The deadline came first; the rest waits at the checkpoint for the next run.
    Paused,
    /// The company cannot be synced until a person acts (reconnect, reinstall); retrying would not help.
    Stopped(String),
}

/// What one run did.
#[derive(Debug, Default, Serialize)]
pub struct Tally {
    pub read: usize,
    pub written: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Rows QuickBooks sent that could not be read as records.
    pub unreadable: usize,
    /// Pages (query pages and CDC answers) applied.
    pub pages: usize,
    /// The same per object, for the company's health and metrics.
    pub objects: BTreeMap<SyncObject, Counts>,
}

impl Tally {
    fn add(&mut self, object: SyncObject, read: usize, applied: &Applied) {
        self.read += read;
        self.written += applied.written.len();
        self.skipped += applied.skipped;
        self.failed += applied.failed.len();
        let counts = self.objects.entry(object).or_default();
        let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
        counts.read = counts.read.saturating_add(n(read));
        counts.written = counts.written.saturating_add(n(applied.written.len()));
        counts.failed = counts.failed.saturating_add(n(applied.failed.len()));
    }
}

/// What fails a run so that its message is delivered again (transient, or a defect to look into).
#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error(transparent)]
    QuickBooks(#[from] QboError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the company's health says of a failed run (no internal detail: an admin reads it).
impl From<RunError> for AppError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::App(e) => e,
            RunError::Apply(ApplyError::HubSpot(e)) => e.into(),
            RunError::Apply(ApplyError::Store(e)) | RunError::Store(e) => e.into(),
            RunError::QuickBooks(e) => e.into(),
        }
    }
}

/// When the run must stop starting pages: a page (a QuickBooks read and up to a few dozen HubSpot
/// batches, each possibly waiting out a throttle) must finish before the Lambda's own deadline.
pub struct Deadline {
    pub stop_at: Instant,
}

impl Deadline {
    /// Whether to stop before the next page. A run always applies one page first, so even an invocation
    /// with too little time moves its company forward instead of re-queueing itself forever.
    fn passed(&self, tally: &Tally) -> bool {
        tally.pages > 0 && Instant::now() >= self.stop_at
    }
}

/// Runs `job` until it is done or `deadline` passes. A company whose grant died during the run, or a
/// portal whose app authorization did, ends `Stopped` (its connection already says so) instead of failing
/// its message into a retry loop.
pub async fn run(app: &App, job: &Job, deadline: &Deadline) -> Result<(Ending, Tally), RunError> {
    let stopped = |e: AppError| match e.code() {
        ErrorCode::ReconnectNeeded | ErrorCode::HubSpotAccessDenied => {
            Ok((Ending::Stopped(e.public_message()), Tally::default()))
        }
        _ => Err(RunError::App(e)),
    };
    match run_until(app, job, deadline).await {
        Err(RunError::QuickBooks(e)) => stopped(AppError::from(e)),
        Err(RunError::Apply(ApplyError::HubSpot(e))) => stopped(AppError::from(e)),
        Err(RunError::App(e)) => stopped(e),
        other => other,
    }
}

async fn run_until(app: &App, job: &Job, deadline: &Deadline) -> Result<(Ending, Tally), RunError> {
    let mut tally = Tally::default();
    let company = match Company::open(app, job.portal_id, job.realm_id.as_str()).await {
        Ok(c) => c,
        Err(
            e @ (AppError::ReconnectNeeded(_) | AppError::NotFound(_) | AppError::UnknownPortal(_)),
        ) => return Ok((Ending::Stopped(e.public_message()), tally)),
        Err(e) => return Err(e.into()),
    };
    let hubspot = match HubSpot::open(app, job.portal_id).await {
        Ok(h) => h,
        Err(e @ (AppError::ReconnectNeeded(_) | AppError::UnknownPortal(_))) => {
            return Ok((Ending::Stopped(e.public_message()), tally))
        }
        Err(e) => return Err(e.into()),
    };
    let settings = SyncSettings::load(&app.store, job.portal_id, &job.realm_id).await?;
    let objects: Vec<SyncObject> = SyncObject::ALL
        .into_iter()
        .filter(|o| settings.of(*o).enabled)
        .filter(|o| job.objects.as_ref().is_none_or(|only| only.contains(o)))
        .collect();
    if objects.is_empty() {
        return Ok((Ending::Done, tally));
    }
    // A webhook's job that a run since its change already covered (a storm during a scheduled run).
    if let Some(at) = job.changed_at {
        if super::webhook::already_applied(&app.store, job, &objects, at).await? {
            return Ok((Ending::Done, tally));
        }
    }
    // Installs since issue 12 created them already; older ones get them on their first run.
    super::properties::ensure(app, &hubspot.api(app), job.portal_id).await?;

    let linked = LinkedInvoices::load(app, job.portal_id, &job.realm_id).await?;
    let deals = linked.deals();
    let qbo = company.api(app);
    let run = Runner {
        app,
        job,
        settings: &settings,
        qbo: &qbo,
        hubspot: &hubspot,
        company: &company,
        deals: &deals,
        linked: &linked,
    };
    run.retry_failures(&objects, &mut tally).await?;

    let now = Utc::now();
    let resyncs = Resyncs {
        store: &app.store,
        portal_id: job.portal_id,
        realm_id: &job.realm_id,
    };
    let again = resyncs.pending(&objects).await?;
    let mut cursors = Vec::new();
    for &object in &objects {
        let mut cursor = Cursor::load(&app.store, job.portal_id, &job.realm_id, object).await?;
        if again.contains(&object) {
            // Read from the start again, every record written with the current mappings.
            cursor.start_scan(None);
            cursor
                .save(&app.store, job.portal_id, &job.realm_id, object)
                .await?;
            resyncs.started(object).await?;
        } else if cursor.scan.is_none() && cursor.needs_scan(now) {
            cursor.start_scan(None);
        }
        cursors.push((object, cursor));
    }
    loop {
        // Scans first, object by object (customers before the invoices that refer to them).
        for (object, cursor) in cursors.iter_mut() {
            while cursor.scan.is_some() {
                if deadline.passed(&tally) {
                    return Ok((Ending::Paused, tally));
                }
                run.scan_page(*object, cursor, &mut tally).await?;
            }
        }
        if deadline.passed(&tally) {
            return Ok((Ending::Paused, tally));
        }
        // Then one CDC call for every object; more changes than CDC returns start scans from the cursor.
        let Some(since) = cursors
            .iter()
            .filter_map(|(_, c)| c.since.clone())
            .min_by(|a, b| parse_time(a).cmp(&parse_time(b)))
        else {
            return Ok((Ending::Done, tally));
        };
        let changes = pull::changes(&qbo, &objects, &since).await?;
        tally.unreadable += changes.unreadable;
        tally.pages += 1;
        if changes.capped {
            for (_, cursor) in cursors.iter_mut() {
                let from = cursor.since.clone();
                cursor.start_scan(from);
            }
            continue;
        }
        let time = changes.time.clone();
        for (object, records) in changes.by_object {
            let applied = run.apply_page(object, &records, time.as_deref()).await?;
            tally.add(object, records.len(), &applied);
            if let Some((_, cursor)) = cursors.iter_mut().find(|(o, _)| *o == object) {
                cursor.since = time.clone().or(cursor.since.take());
                cursor
                    .save(&app.store, job.portal_id, &job.realm_id, object)
                    .await?;
            }
        }
        return Ok((Ending::Done, tally));
    }
}

/// What an admin knows a record by: a customer's display name, an item's name, an invoice's number.
fn known_as(object: SyncObject, body: &serde_json::Value) -> Option<String> {
    let (path, label) = match object {
        SyncObject::Contacts => ("DisplayName", ""),
        SyncObject::Products => ("Name", ""),
        SyncObject::Invoices => ("DocNumber", "Invoice "),
    };
    field(body, path)
        .and_then(serde_json::Value::as_str)
        .map(|v| format!("{label}{v}"))
}

fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// What a run holds while it works.
struct Runner<'a> {
    app: &'a App,
    job: &'a Job,
    settings: &'a SyncSettings,
    qbo: &'a QboApi<'a>,
    hubspot: &'a HubSpot,
    company: &'a Company,
    deals: &'a HashMap<String, Vec<String>>,
    linked: &'a LinkedInvoices,
}

impl Runner<'_> {
    fn failures(&self) -> Failures<'_> {
        Failures {
            store: &self.app.store,
            portal_id: self.job.portal_id,
            realm_id: &self.job.realm_id,
        }
    }

    async fn apply_page(
        &self,
        object: SyncObject,
        records: &[Record],
        time: Option<&str>,
    ) -> Result<Applied, RunError> {
        if records.is_empty() {
            return Ok(Applied::default());
        }
        let profile = &self.company.connection.profile;
        let sink = Sink {
            hubspot: self.hubspot.api(self.app),
            ids: IdMap {
                store: &self.app.store,
                portal_id: self.job.portal_id,
                realm_id: &self.job.realm_id,
            },
            realm_id: &self.job.realm_id,
            home_currency: &profile.home_currency,
            environment: self.company.connection.environment,
            company_time: time
                .and_then(parse_time)
                .unwrap_or_else(|| Utc::now().fixed_offset()),
            deals: self.deals,
        };
        let company_time = sink.company_time;
        let mut applied = apply(&sink, object, &self.settings.of(object), records).await?;
        for f in applied.failed.iter_mut() {
            f.name = records
                .iter()
                .find(|r| r.id == f.qbo_id)
                .and_then(|r| known_as(object, &r.body));
        }
        if object == SyncObject::Invoices {
            // The deal follows its invoice; a deal HubSpot refuses to update never holds up the sync.
            let connection = &self.company.connection;
            if let Err(e) = self
                .linked
                .follow(self.app, connection, records, company_time)
                .await
            {
                tracing::warn!(error = %e, "linked deals not brought up to date");
            }
        }
        self.failures().record(&applied.failed).await?;
        Ok(applied)
    }

    async fn scan_page(
        &self,
        object: SyncObject,
        cursor: &mut Cursor,
        tally: &mut Tally,
    ) -> Result<(), RunError> {
        let Some(scan) = cursor.scan.clone() else {
            return Ok(());
        };
        let page = pull::page(self.qbo, object, &scan).await?;
        tally.pages += 1;
        tally.unreadable += page.unreadable;
        let applied = self
            .apply_page(object, &page.records, page.time.as_deref())
            .await?;
        tally.add(object, page.records.len(), &applied);
        let mut next = pull::advance(&scan, &page.records);
        next.started = scan.started.clone().or(page.time.clone());
        if page.full {
            cursor.scan = Some(next);
        } else {
            // Read to the end: CDC continues from when the read began, so nothing changed meanwhile is lost.
            cursor.since = next.started.or(cursor.since.take());
            cursor.scan = None;
        }
        cursor
            .save(
                &self.app.store,
                self.job.portal_id,
                &self.job.realm_id,
                object,
            )
            .await?;
        Ok(())
    }

    /// Reads the records that failed before again, by id, and applies them; a success clears the entry.
    async fn retry_failures(
        &self,
        objects: &[SyncObject],
        tally: &mut Tally,
    ) -> Result<(), RunError> {
        let failures = self.failures().list().await?;
        for &object in objects {
            let ids: Vec<&str> = failures
                .iter()
                .filter(|f| f.object == object)
                .map(|f| f.qbo_id.as_str())
                .collect();
            for chunk in ids.chunks(pull::PAGE) {
                let answer = self
                    .qbo
                    .query_ids::<serde_json::Value>(object.entity(), chunk)
                    .await?;
                let records: Vec<Record> =
                    answer.value.into_iter().filter_map(Record::of).collect();
                let time = answer.time.map(|t| t.to_rfc3339());
                let applied = self.apply_page(object, &records, time.as_deref()).await?;
                tally.add(object, records.len(), &applied);
                // A record QuickBooks no longer returns was deleted since: nothing is left to apply.
                let cleared: Vec<String> = chunk
                    .iter()
                    .filter(|id| !applied.failed.iter().any(|f| f.qbo_id == **id))
                    .map(|id| id.to_string())
                    .collect();
                self.failures().clear(object, &cleared).await?;
            }
        }
        Ok(())
    }
}

//! A company's catalogue for the card's create wizard (items, tax codes, terms), kept in the table for a
//! minute so that reps opening deals at once do not each spend three QuickBooks calls of the company's
//! 10 a second on lists that rarely change (issue 10, item 6). The table, not process memory, because
//! every concurrent card request may run in its own Lambda instance.

use super::company::Company;
use crate::domain::snapshot::company_today;
use crate::quickbooks::entities::{Item, TaxCode, Term};
use crate::store::{keys, Extras, Key, Put};
use crate::{App, AppError};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a catalogue is reused; a new item shows up in the wizard at most this late.
const FRESH_FOR_SECS: i64 = 60;
/// DynamoDB refuses items over 400 KB; a catalogue near that is not cached (read fresh each time).
const MAX_CACHED_BYTES: usize = 300 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Catalog {
    pub items: Vec<Item>,
    /// Only for companies whose lines need a tax code (non-US).
    pub tax_codes: Vec<TaxCode>,
    pub terms: Vec<Term>,
    /// QuickBooks' clock when read (the answer's `time`, in the company's offset then) and ours: the
    /// company's "today" without asking again.
    company_time: DateTime<FixedOffset>,
    fetched_at: DateTime<Utc>,
}

impl Catalog {
    /// Today in the company's time zone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        company_today(self.company_time, self.fetched_at, now)
    }
}

fn key(company: &Company) -> Key {
    keys::catalog(company.connection.portal_id.into(), company.realm_id())
}

/// How long one request holds the right to read a company's cold catalogue; requests arriving meanwhile
/// wait up to this long for its copy instead of spending the company's calls on the same lists.
const READ_LEASE_MS: i64 = 5_000;
const WAIT_STEP: Duration = Duration::from_millis(250);

/// The kept catalogue, if fresh. One that cannot be read (e.g. kept by an older version in another shape)
/// is only a miss.
async fn kept(app: &App, key: &Key, now: DateTime<Utc>) -> Option<Catalog> {
    app.store
        .get::<Catalog>(key, now.timestamp())
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the company's kept catalogue is unreadable; reading it again");
            None
        })
}

/// The company's catalogue, from the table when read in the last minute, else from QuickBooks: by one
/// request of a burst, the others waiting for its copy (a cold burst would otherwise read it once each).
pub async fn catalog(
    app: &App,
    company: &Company,
    now: DateTime<Utc>,
) -> Result<Catalog, AppError> {
    let key = key(company);
    if let Some(cached) = kept(app, &key, now).await {
        return Ok(cached);
    }
    let lease_name = keys::catalog_lease(company.connection.portal_id.into(), company.realm_id());
    let owner = uuid::Uuid::new_v4().simple().to_string();
    let lease = app
        .store
        .acquire_lease(&lease_name, &owner, READ_LEASE_MS, now.timestamp_millis())
        .await?;
    if lease.is_none() {
        let waits = READ_LEASE_MS / i64::try_from(WAIT_STEP.as_millis()).unwrap_or(i64::MAX);
        for _ in 0..waits {
            tokio::time::sleep(WAIT_STEP).await;
            if let Some(cached) = kept(app, &key, Utc::now()).await {
                return Ok(cached);
            }
        }
    }
    let read = read_and_keep(app, company, &key, Utc::now()).await;
    if let Some(lease) = lease {
        // An unreleased lease only makes a request within its five seconds wait, then read for itself.
        if let Err(e) = app.store.release_lease(&lease).await {
            tracing::warn!(error = %e, "releasing the catalogue lease failed");
        }
    }
    read
}

async fn read_and_keep(
    app: &App,
    company: &Company,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<Catalog, AppError> {
    let qbo = company.api(app);
    let items = super::lookup::active_items(app, company).await?;
    let tax_codes = if company.connection.profile.line_tax_codes_required {
        qbo.query::<TaxCode>("TaxCode", "WHERE Active = true")
            .await?
            .value
    } else {
        Vec::new()
    };
    let terms = qbo
        .query::<Term>("Term", "WHERE Active = true")
        .await?
        .value;
    let catalog = Catalog {
        items: items.value,
        tax_codes,
        terms,
        company_time: items.time.unwrap_or_else(|| now.fixed_offset()),
        fetched_at: now,
    };
    let size = serde_json::to_vec(&catalog).map_or(usize::MAX, |b| b.len());
    if size <= MAX_CACHED_BYTES {
        let extras = Extras {
            expires_at: Some(now.timestamp().saturating_add(FRESH_FOR_SECS)),
            ..Extras::default()
        };
        // A failed write only costs the next request its own reads.
        if let Err(e) = app
            .store
            .put(key, &catalog, &extras, Put::Always, now.timestamp())
            .await
        {
            tracing::warn!(error = %e, "keeping the company's catalogue failed");
        }
    }
    Ok(catalog)
}

/// Drops the company's kept catalogue, after a write that changed it (a new item, B4): the next wizard then
/// suggests the new item instead of offering to create it again.
pub async fn forget(app: &App, company: &Company) {
    let key = key(company);
    // A failed delete only leaves the old list for up to a minute; creating the item again would meet 6240
    // and use the existing one.
    if let Err(e) = app.store.delete(&key).await {
        tracing::warn!(error = %e, "dropping the company's catalogue failed");
    }
}

//! Keeping snapshots current (I1, I11): a snapshot older than a few minutes is read again from QuickBooks,
//! with one query per company and document type for all of a record's stale documents, never one call per
//! document. A company that cannot be asked leaves its snapshots as they are, with a notice. A document a
//! query no longer returns was deleted in QuickBooks (a read by id would answer 610 "Object Not Found",
//! quickbooks-api.md §8): its snapshot is marked deleted, shown so, and never asked for again (B8).

use super::company::Company;
use super::links::Link;
use crate::domain::snapshot::Snapshot;
use crate::ids::RealmId;
use crate::quickbooks::entities::{DocType, Document};
use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// How old a snapshot may be before a render reads it again.
pub const MAX_AGE: Duration = Duration::minutes(5);
/// Ids per `IN (…)` query; QuickBooks answers up to 1000 rows, a short statement stays well inside URL limits.
const IDS_PER_QUERY: usize = 100;

pub struct Refreshed {
    pub links: Vec<Link>,
    pub notices: Vec<String>,
    /// Whether any snapshot's figures changed (the deal's properties then follow).
    pub changed: bool,
}

/// Refreshes the stale snapshots among `links` (all of them when `force`), saving the new ones.
pub async fn refresh(
    app: &App,
    portal_id: u64,
    mut links: Vec<Link>,
    now: DateTime<Utc>,
    force: bool,
) -> Result<Refreshed, AppError> {
    let mut stale: BTreeMap<(RealmId, DocType), Vec<usize>> = BTreeMap::new();
    for (i, link) in links.iter().enumerate() {
        // QuickBooks does not bring a deleted document back: there is nothing to read again.
        if link.snapshot.deleted {
            continue;
        }
        if force || link.snapshot.is_stale(now, MAX_AGE) {
            stale
                .entry((link.snapshot.realm_id.clone(), link.snapshot.doc_type))
                .or_default()
                .push(i);
        }
    }
    let mut notices = Vec::new();
    let mut changed = false;
    let mut companies: BTreeMap<RealmId, Option<Company>> = BTreeMap::new();
    for ((realm, doc_type), positions) in stale {
        if !companies.contains_key(&realm) {
            let opened = match Company::open(app, portal_id, &realm).await {
                Ok(c) => Some(c),
                Err(e) => {
                    notices.push(format!(
                        "Showing saved figures for company {realm}: {}",
                        e.public_message()
                    ));
                    None
                }
            };
            companies.insert(realm.clone(), opened);
        }
        let Some(company) = companies[&realm].as_ref() else {
            continue;
        };
        let ids: Vec<String> = positions
            .iter()
            .map(|&i| links[i].snapshot.id.clone())
            .collect();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let chunk_ids: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let answer = match company
                .api(app)
                .query_ids::<Document>(doc_type.entity(), &chunk_ids)
                .await
            {
                Ok(a) => a,
                Err(e) => {
                    notices.push(format!(
                        "Showing saved figures for {}: {}",
                        company.connection.profile.name,
                        AppError::from(e).public_message()
                    ));
                    continue;
                }
            };
            let fetched_at = Utc::now();
            let company_time = answer.time.unwrap_or_else(|| fetched_at.fixed_offset());
            let in_chunk: Vec<usize> = positions
                .iter()
                .copied()
                .filter(|&i| chunk.contains(&links[i].snapshot.id))
                .collect();
            for i in in_chunk {
                let link = &mut links[i];
                let fresh = match answer.value.iter().find(|d| d.id == link.snapshot.id) {
                    Some(doc) => Snapshot::of(
                        &realm,
                        doc_type,
                        doc,
                        &company.connection.profile.home_currency,
                        company_time,
                        fetched_at,
                    ),
                    None => link.snapshot.clone().into_deleted(None, fetched_at),
                };
                changed |= figures_differ(&link.snapshot, &fresh);
                link.snapshot = fresh;
                link.save(&app.store).await?;
            }
        }
    }
    Ok(Refreshed {
        links,
        notices,
        changed,
    })
}

fn figures_differ(old: &Snapshot, new: &Snapshot) -> bool {
    (
        old.total,
        old.balance,
        old.due_date,
        old.email_sent,
        old.voided,
        old.deleted,
        old.updated_at,
    ) != (
        new.total,
        new.balance,
        new.due_date,
        new.email_sent,
        new.voided,
        new.deleted,
        new.updated_at,
    )
}

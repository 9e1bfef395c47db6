//! Applying one page of QuickBooks records to HubSpot, in batches (S1–S3, B8): what each record becomes
//! follows the object's settings, each record ends written, skipped or failed with its reason, and applying
//! the same page twice changes nothing (every write is an upsert by the record's key or an update by id).
//!
//! One page's path stays readable in one place: prepare, upsert, update only, archive; contacts' e-mail
//! matching is in `contacts.rs`, an invoice's lines and associations in `invoices.rs`.

use super::failures::Failure;
use super::idmap::IdMap;
use super::pull::Record;
use super::settings::{ObjectSettings, OnChange, OnDelete};
use super::SyncObject;
use crate::connections::Environment;
use crate::documents::view::open_url;
use crate::domain::mapping::{project, record_key};
use crate::domain::snapshot::Snapshot;
use crate::hubspot::batch::{Input, Outcome, Properties};
use crate::hubspot::{HubSpotApi, HubSpotError};
use crate::ids::RealmId;
use crate::quickbooks::entities::{DocType, Document};
use crate::store::StoreError;
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::HashMap;
use thiserror::Error;

/// What stops a page: nothing of it counts as applied, and the cursor stays where it was.
#[derive(Debug, Error)]
pub enum ApplyError {
    #[error(transparent)]
    HubSpot(#[from] HubSpotError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a company's records go and what the page needs to know of the company.
pub struct Sink<'a> {
    pub hubspot: HubSpotApi<'a>,
    pub ids: IdMap<'a>,
    pub realm_id: &'a RealmId,
    pub home_currency: &'a str,
    pub environment: Environment,
    /// QuickBooks' clock when it answered with the page: the company's "today" for invoice statuses.
    pub company_time: DateTime<FixedOffset>,
    /// The deals each invoice is linked to (from the card's links), by QuickBooks invoice id.
    pub deals: &'a HashMap<String, Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Applied {
    /// QuickBooks ids written (created, updated, archived or marked).
    pub written: Vec<String>,
    /// Left alone by the object's settings.
    pub skipped: usize,
    pub failed: Vec<Failure>,
}

impl Applied {
    pub(super) fn fail(&mut self, object: SyncObject, qbo_id: &str, reason: impl Into<String>) {
        self.failed.push(Failure {
            object,
            qbo_id: qbo_id.to_string(),
            reason: reason.into(),
            failed_at: Utc::now(),
            name: None,
        });
    }

    /// Sorts a batch outcome (keyed by record key) back into QuickBooks ids.
    pub(super) fn settle(&mut self, object: SyncObject, realm_id: &str, outcome: &Outcome) {
        let id_of = |key: &str| {
            key.strip_prefix(realm_id)
                .and_then(|k| k.strip_prefix(':'))
                .unwrap_or(key)
                .to_string()
        };
        self.written
            .extend(outcome.written.iter().map(|(k, _)| id_of(k)));
        for (key, reason) in &outcome.failed {
            self.fail(object, &id_of(key), format!("HubSpot refused it: {reason}"));
        }
    }
}

/// One record ready to write: its QuickBooks id, key property value and properties.
pub(super) struct Prepared<'r> {
    pub(super) record: &'r Record,
    pub(super) key: String,
    pub(super) properties: Properties,
}

pub async fn apply(
    sink: &Sink<'_>,
    object: SyncObject,
    settings: &ObjectSettings,
    records: &[Record],
) -> Result<Applied, ApplyError> {
    let mut applied = Applied::default();
    let mut prepared = Vec::new();
    for r in records {
        match prepare(sink, object, settings, r) {
            Ok(p) => prepared.push(p),
            Err(reason) => applied.fail(object, &r.id, reason),
        }
    }
    let (gone, live): (Vec<Prepared>, Vec<Prepared>) = prepared
        .into_iter()
        .partition(|p| p.record.deleted || (object.is_name_list() && p.record.inactive()));

    match settings.on_change {
        OnChange::Nothing => applied.skipped += live.len(),
        OnChange::UpdateOnly => update_existing(sink, object, &live, &mut applied).await?,
        OnChange::CreateAndUpdate if object == SyncObject::Contacts => {
            super::contacts::upsert_contacts(sink, &live, &mut applied).await?
        }
        OnChange::CreateAndUpdate => {
            let outcome = upsert(sink, object, &live).await?;
            applied.settle(object, sink.realm_id, &outcome);
            if object == SyncObject::Invoices {
                // Boxed: its state is large, and it would otherwise sit inline in every caller's future.
                Box::pin(super::invoices::extras(sink, &live, &outcome, &mut applied)).await?;
            } else {
                remember(sink, object, &outcome).await?;
            }
        }
    }
    match settings.on_delete {
        OnDelete::Nothing => applied.skipped += gone.len(),
        // Marked: the record keeps its place in HubSpot with what QuickBooks says of it now.
        OnDelete::MarkInactive => update_existing(sink, object, &gone, &mut applied).await?,
        OnDelete::Archive => {
            let keys: Vec<String> = gone.iter().map(|p| p.key.clone()).collect();
            let found = sink
                .hubspot
                .ids_by(object.hubspot_object(), object.key_property(), &keys)
                .await?;
            let ids: Vec<String> = found.values().cloned().collect();
            sink.hubspot
                .batch_archive(object.hubspot_object(), &ids)
                .await?;
            applied
                .written
                .extend(gone.iter().map(|p| p.record.id.clone()));
        }
    }
    Ok(applied)
}

/// The properties a record becomes: its mappings, its key, and what the sync itself derives.
fn prepare<'r>(
    sink: &Sink<'_>,
    object: SyncObject,
    settings: &ObjectSettings,
    record: &'r Record,
) -> Result<Prepared<'r>, String> {
    let key = record_key(sink.realm_id, &record.id);
    let mut properties = if record.deleted {
        // A deleted transaction comes with its id alone: only its status changes.
        Properties::new()
    } else {
        project(&record.body, &settings.mappings)
            .map_err(|e| format!("QuickBooks sent a value HubSpot cannot take: {e}"))?
    };
    properties.insert(object.key_property().into(), key.clone());
    properties.insert("qbo_realm_id".into(), sink.realm_id.to_string());
    if object == SyncObject::Contacts {
        if let Some(email) = properties.get_mut("email") {
            // HubSpot keeps e-mail addresses in lower case and matches them so.
            *email = email.trim().to_lowercase();
        }
    }
    if object == SyncObject::Invoices {
        invoice_properties(sink, record, &mut properties)?;
    }
    Ok(Prepared {
        record,
        key,
        properties,
    })
}

/// An invoice's status, currency and link; one way and non-billable, so HubSpot never bills it.
fn invoice_properties(
    sink: &Sink<'_>,
    record: &Record,
    properties: &mut Properties,
) -> Result<(), String> {
    if record.deleted {
        properties.insert("qbo_invoice_status".into(), "Deleted".into());
        return Ok(());
    }
    let doc: Document = serde_json::from_value(record.body.clone())
        .map_err(|e| format!("QuickBooks sent an invoice that does not read as one: {e}"))?;
    let now = Utc::now();
    let snapshot = Snapshot::of(
        sink.realm_id,
        DocType::Invoice,
        &doc,
        sink.home_currency,
        sink.company_time,
        now,
    );
    properties.insert("hs_currency".into(), snapshot.currency.clone());
    properties.insert("hs_invoice_billable".into(), "false".into());
    properties.insert(
        "qbo_invoice_status".into(),
        snapshot.status(now).label().into(),
    );
    properties.insert(
        "qbo_invoice_link".into(),
        open_url(sink.environment, &snapshot),
    );
    Ok(())
}

fn inputs(prepared: &[Prepared]) -> Vec<Input> {
    prepared
        .iter()
        .map(|p| Input {
            key: p.key.clone(),
            properties: p.properties.clone(),
        })
        .collect()
}

pub(super) async fn upsert(
    sink: &Sink<'_>,
    object: SyncObject,
    prepared: &[Prepared<'_>],
) -> Result<Outcome, ApplyError> {
    Ok(sink
        .hubspot
        .batch_upsert(
            object.hubspot_object(),
            object.key_property(),
            &inputs(prepared),
        )
        .await?)
}

/// Records that exist in HubSpot are updated; the others are left out (counted as skipped).
async fn update_existing(
    sink: &Sink<'_>,
    object: SyncObject,
    prepared: &[Prepared<'_>],
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    // Only a record the sync wrote carries its key, and the id map holds each one it wrote (a page is
    // applied again until its writes are remembered): HubSpot is asked about those alone, so a first run's
    // inactive customers and items cost no call.
    let ids: Vec<&str> = prepared.iter().map(|p| p.record.id.as_str()).collect();
    let known = sink.ids.find(object, &ids).await?;
    let (prepared, never): (Vec<&Prepared>, Vec<&Prepared>) = prepared
        .iter()
        .partition(|p| known.contains_key(&p.record.id));
    applied.skipped += never.len();
    if prepared.is_empty() {
        return Ok(());
    }
    let keys: Vec<String> = prepared.iter().map(|p| p.key.clone()).collect();
    let found = sink
        .hubspot
        .ids_by(object.hubspot_object(), object.key_property(), &keys)
        .await?;
    let by_id: Vec<Input> = prepared
        .iter()
        .filter_map(|p| {
            found.get(&p.key).map(|id| Input {
                key: id.clone(),
                properties: p.properties.clone(),
            })
        })
        .collect();
    applied.skipped += prepared.len() - by_id.len();
    let outcome = sink
        .hubspot
        .batch_update(object.hubspot_object(), &by_id)
        .await?;
    let key_of_id: HashMap<&str, &str> = found
        .iter()
        .map(|(k, id)| (id.as_str(), k.as_str()))
        .collect();
    let rekeyed = Outcome {
        written: outcome
            .written
            .iter()
            .filter_map(|(id, _)| {
                key_of_id
                    .get(id.as_str())
                    .map(|k| (k.to_string(), id.clone()))
            })
            .collect(),
        failed: outcome
            .failed
            .iter()
            .filter_map(|(id, why)| {
                key_of_id
                    .get(id.as_str())
                    .map(|k| (k.to_string(), why.clone()))
            })
            .collect(),
    };
    applied.settle(object, sink.realm_id, &rekeyed);
    Ok(())
}

/// `(QuickBooks id, HubSpot id)` of the records an upsert by key wrote.
pub(super) fn qbo_pairs(realm_id: &str, outcome: &Outcome) -> Vec<(String, String)> {
    outcome
        .written
        .iter()
        .filter_map(|(key, id)| {
            let qbo = key.strip_prefix(realm_id)?.strip_prefix(':')?;
            Some((qbo.to_string(), id.clone()))
        })
        .collect()
}

async fn remember(
    sink: &Sink<'_>,
    object: SyncObject,
    outcome: &Outcome,
) -> Result<(), ApplyError> {
    Ok(sink
        .ids
        .remember(object, &qbo_pairs(sink.realm_id, outcome))
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_keys_map_back_to_quickbooks_ids_of_this_company_only() {
        let outcome = Outcome {
            written: vec![("9:58".into(), "501".into()), ("99:1".into(), "502".into())],
            failed: vec![],
        };
        assert_eq!(
            qbo_pairs("9", &outcome),
            [("58".to_string(), "501".to_string())]
        );
    }
}

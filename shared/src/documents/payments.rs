//! Payment notes on the deal (I14): each QuickBooks payment applied to an invoice linked to a deal becomes
//! one note on that deal (amount, date, invoice). A marker per payment and invoice, claimed with a
//! conditional put before the note is written, keeps a note from being written twice by concurrent renders.

use super::company::{Company, HubSpot};
use super::links::Link;
use super::view::cents;
use crate::ids::{RealmId, RecordId};
use crate::quickbooks::entities::{DocType, Payment};
use crate::store::{keys, Extras, Key, Put};
use crate::{App, AppError};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Serialize, Deserialize)]
struct Noted {
    realm_id: RealmId,
    payment_id: String,
    invoice_id: String,
}

fn marker(portal_id: u64, deal_id: &RecordId, n: &Noted) -> Key {
    keys::payment_note(
        portal_id.into(),
        deal_id,
        &n.realm_id,
        &n.payment_id,
        &n.invoice_id,
    )
}

/// Writes the notes of payments not noted yet; answers how many it wrote. No upstream call unless a
/// linked invoice has a payment without a note.
pub async fn note_payments(
    app: &App,
    hubspot: &HubSpot,
    portal_id: u64,
    deal_id: &RecordId,
    links: &[Link],
) -> Result<usize, AppError> {
    let paid: Vec<&Link> = links
        .iter()
        .filter(|l| l.snapshot.doc_type == DocType::Invoice && !l.snapshot.payment_ids.is_empty())
        .collect();
    if paid.is_empty() {
        return Ok(0);
    }
    let now = Utc::now().timestamp();
    let noted: Vec<Noted> = app
        .store
        .query_prefix(&keys::payment_notes_of(portal_id.into(), deal_id), now)
        .await?;
    let done: HashSet<(&str, &str, &str)> = noted
        .iter()
        .map(|n| {
            (
                n.realm_id.as_str(),
                n.payment_id.as_str(),
                n.invoice_id.as_str(),
            )
        })
        .collect();
    // realm → [(payment, invoice link)]
    let mut missing: BTreeMap<&RealmId, Vec<(&str, &Link)>> = BTreeMap::new();
    for link in paid {
        let s = &link.snapshot;
        for payment in &s.payment_ids {
            if !done.contains(&(s.realm_id.as_str(), payment.as_str(), s.id.as_str())) {
                missing
                    .entry(&s.realm_id)
                    .or_default()
                    .push((payment.as_str(), link));
            }
        }
    }
    let mut written = 0;
    for (realm, wanted) in missing {
        let company = Company::open(app, portal_id, realm).await?;
        let ids: Vec<&str> = wanted.iter().map(|(p, _)| *p).collect();
        let payments: Vec<Payment> = company.api(app).query_ids("Payment", &ids).await?.value;
        for (payment_id, link) in wanted {
            let Some(payment) = payments.iter().find(|p| p.id == payment_id) else {
                continue;
            };
            let s = &link.snapshot;
            let noted = Noted {
                realm_id: realm.clone(),
                payment_id: payment_id.into(),
                invoice_id: s.id.clone(),
            };
            let key = marker(portal_id, deal_id, &noted);
            if !app
                .store
                .put(&key, &noted, &Extras::default(), Put::IfAbsent, now)
                .await?
            {
                continue;
            }
            let currency = payment
                .currency
                .as_ref()
                .map_or(s.currency.as_str(), |c| c.value.as_str());
            let date = payment
                .txn_date
                .map_or_else(|| "an unknown date".into(), |d| d.to_string());
            let body = format!(
                "QuickBooks payment of {currency} {} received on {date} for invoice {} ({}).",
                payment
                    .applied_to(&s.id)
                    .map_or_else(|| "an amount out of range".into(), |a| cents(a).to_string()),
                s.number.as_deref().unwrap_or(&s.id),
                company.connection.profile.name,
            );
            let at = payment
                .txn_date
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map_or_else(
                    || Utc::now().timestamp_millis(),
                    |t| t.and_utc().timestamp_millis(),
                );
            if let Err(e) = hubspot.api(app).create_deal_note(deal_id, &body, at).await {
                // Free the marker so the next refresh writes the note.
                app.store.delete(&key).await?;
                return Err(e.into());
            }
            written += 1;
        }
    }
    Ok(written)
}

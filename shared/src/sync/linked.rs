//! S5: the invoices the card linked to HubSpot records follow the sync. When a linked invoice arrives in a
//! page, its snapshot is rebuilt from the record in hand (no extra QuickBooks read), saved on each of its
//! links, and every deal it is linked to is brought up to date by the card's own code
//! (`documents::deal::bring_up_to_date`: the deal properties I11/I12 and the payment notes I14). An invoice
//! deleted in QuickBooks keeps its last snapshot, marked deleted, so the card and the deal say so (B8).

use crate::connections::Connection;
use crate::documents::deal::bring_up_to_date;
use crate::documents::links::Link;
use crate::domain::snapshot::Snapshot;
use crate::ids::{RealmId, RecordType};
use crate::quickbooks::entities::{DocType, Document};
use crate::store::keys;
use crate::{App, AppError};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::HashMap;

use super::pull::Record;

/// A company's invoices that are linked to HubSpot records, by QuickBooks invoice id.
pub struct LinkedInvoices {
    by_invoice: HashMap<String, Vec<Link>>,
}

impl LinkedInvoices {
    /// Every link of the portal's deals to an invoice of `realm_id`.
    pub async fn load(app: &App, portal_id: u64, realm_id: &RealmId) -> Result<Self, AppError> {
        let links: Vec<Link> = app
            .store
            .query_prefix(
                &keys::links_of_type(portal_id.into(), RecordType::Deals),
                Utc::now().timestamp(),
            )
            .await?;
        let mut by_invoice: HashMap<String, Vec<Link>> = HashMap::new();
        for l in links {
            if &l.snapshot.realm_id == realm_id && l.snapshot.doc_type == DocType::Invoice {
                by_invoice.entry(l.snapshot.id.clone()).or_default().push(l);
            }
        }
        Ok(Self { by_invoice })
    }

    /// The deals each linked invoice belongs to (invoice → deal associations).
    pub fn deals(&self) -> HashMap<String, Vec<String>> {
        self.by_invoice
            .iter()
            .map(|(invoice, links)| {
                let deals = links
                    .iter()
                    .map(|l| l.record.object_id.to_string())
                    .collect();
                (invoice.clone(), deals)
            })
            .collect()
    }

    /// Refreshes the links of the invoices among `records` and the deals they belong to. Returns how many
    /// deals were brought up to date.
    pub async fn follow(
        &self,
        app: &App,
        company: &Connection,
        records: &[Record],
        company_time: DateTime<FixedOffset>,
    ) -> Result<usize, AppError> {
        let now = Utc::now();
        let mut deals = Vec::new();
        for r in records {
            let Some(links) = self.by_invoice.get(&r.id) else {
                continue;
            };
            let snapshot = if r.deleted {
                None
            } else {
                let Ok(doc) = serde_json::from_value::<Document>(r.body.clone()) else {
                    continue;
                };
                Some(Snapshot::of(
                    &company.realm_id,
                    DocType::Invoice,
                    &doc,
                    &company.profile.home_currency,
                    company_time,
                    now,
                ))
            };
            for link in links {
                let mut link = link.clone();
                link.snapshot = match &snapshot {
                    Some(s) => s.clone(),
                    None => {
                        let stamped = r
                            .updated()
                            .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
                        link.snapshot.into_deleted(stamped.map(|t| t.to_utc()), now)
                    }
                };
                link.save(&app.store).await?;
                if !deals.contains(&link.record) {
                    deals.push(link.record.clone());
                }
            }
        }
        let connections = [company.clone()];
        for deal in &deals {
            let links = Link::list(&app.store, company.portal_id, deal).await?;
            bring_up_to_date(
                app,
                company.portal_id,
                &deal.object_id,
                &links,
                &connections,
                true,
            )
            .await?;
        }
        Ok(deals.len())
    }
}

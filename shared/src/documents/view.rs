//! A linked document as the card shows it (functions/invoice-card/API.md, `Document`).

use crate::connections::Environment;
use crate::domain::snapshot::{currency_matches, Snapshot};
use crate::ids::RealmId;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    pub realm_id: RealmId,
    pub company_name: String,
    #[serde(rename = "type")]
    pub doc_type: crate::quickbooks::entities::DocType,
    pub id: String,
    pub number: Option<String>,
    pub customer_name: Option<String>,
    pub total: Decimal,
    /// `null` when QuickBooks gave no balance: unknown, not 0.
    pub balance: Option<Decimal>,
    pub currency: String,
    pub txn_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub status: &'static str,
    pub status_label: &'static str,
    /// `null` once QuickBooks deleted the document: it has no page left to open.
    pub open_url: Option<String>,
    pub currency_mismatch: bool,
    pub currency_note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Money as the card shows it: always two decimals (`650.00`), whatever QuickBooks wrote (`650.0`).
pub fn cents(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

/// The QuickBooks web page of a document (quickbooks-api.md §1: the QBO web UI hosts).
pub fn open_url(environment: Environment, snapshot: &Snapshot) -> String {
    let host = match environment {
        Environment::Production => "https://qbo.intuit.com",
        Environment::Sandbox => "https://sandbox.qbo.intuit.com",
    };
    format!(
        "{host}/app/{}?txnId={}",
        snapshot.doc_type.path(),
        snapshot.id
    )
}

impl DocumentView {
    pub fn of(
        snapshot: &Snapshot,
        company_name: &str,
        environment: Environment,
        company_currency: &str,
        now: DateTime<Utc>,
    ) -> Self {
        let status = snapshot.status(now);
        let mismatch = !currency_matches(snapshot, company_currency);
        Self {
            realm_id: snapshot.realm_id.clone(),
            company_name: company_name.to_string(),
            doc_type: snapshot.doc_type,
            id: snapshot.id.clone(),
            number: snapshot.number.clone(),
            customer_name: snapshot.customer_name.clone(),
            total: cents(snapshot.total),
            balance: snapshot.balance.map(cents),
            currency: snapshot.currency.clone(),
            txn_date: snapshot.txn_date,
            due_date: snapshot.due_date,
            status: status.code(),
            status_label: status.label(),
            open_url: (!snapshot.deleted).then(|| open_url(environment, snapshot)),
            currency_mismatch: mismatch,
            currency_note: mismatch.then(|| {
                format!(
                    "In {}, not the HubSpot account's currency ({company_currency}): listed here, but it does not update the deal's QuickBooks properties.",
                    snapshot.currency
                )
            }),
            updated_at: snapshot.updated_at,
        }
    }
}

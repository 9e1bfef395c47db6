//! Bringing a deal up to date with its QuickBooks documents, the same after the card's create and send and
//! the workflow's create: the deal's QuickBooks properties (I11, I12), the figures of the most recently
//! updated linked invoice in the HubSpot account's company currency, and a note per payment (I14).

use super::company::HubSpot;
use super::links::Link;
use super::payments::note_payments;
use super::view::open_url;
use crate::connections::Connection;
use crate::domain::snapshot::deal_invoice;
use crate::ids::RecordId;
use crate::quickbooks::entities::DocType;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::json;

/// Brings deal `deal_id` up to date from its `links`: its properties when its documents changed (`changed`),
/// and a note for each payment not noted yet. HubSpot is opened only when there is something to write.
/// `connections` name the environment of each company a link may be in.
pub async fn bring_up_to_date(
    app: &App,
    portal_id: u64,
    deal_id: &RecordId,
    links: &[Link],
    connections: &[Connection],
    changed: bool,
) -> Result<(), AppError> {
    let payments = links.iter().any(|l| !l.snapshot.payment_ids.is_empty());
    if !changed && !payments {
        return Ok(());
    }
    let hubspot = HubSpot::open(app, portal_id).await?;
    if changed {
        update_deal(
            app,
            &hubspot,
            deal_id.as_str(),
            links,
            connections,
            Utc::now(),
        )
        .await?;
    }
    note_payments(app, &hubspot, portal_id, deal_id, links).await?;
    Ok(())
}

/// Writes the deal's properties from its links; when no linked invoice qualifies the deal keeps what it
/// shows.
async fn update_deal(
    app: &App,
    hubspot: &HubSpot,
    deal_id: &str,
    links: &[Link],
    connections: &[Connection],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(invoice) = deal_invoice(
        links.iter().map(|l| &l.snapshot),
        &hubspot.install.company_currency,
    ) else {
        return Ok(());
    };
    let environment = connections
        .iter()
        .find(|c| c.realm_id == invoice.realm_id)
        .map(|c| c.environment)
        .unwrap_or(crate::connections::Environment::Production);
    // Date properties take midnight UTC (hubspot-api.md §5).
    let due = invoice
        .due_date
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis().to_string())
        .unwrap_or_default();
    let mut properties = json!({
        "qbo_invoice_amount": invoice.total.to_string(),
        // Unknown (QuickBooks gave none): the property is emptied rather than showing 0, "paid".
        "qbo_invoice_balance": invoice.balance.map(|b| b.to_string()).unwrap_or_default(),
        "qbo_invoice_recipient": invoice.customer_name.clone().unwrap_or_default(),
        "qbo_invoice_number": invoice.number.clone().unwrap_or_default(),
        "qbo_invoice_status": invoice.status(now).label(),
        "qbo_invoice_due_date": due,
        "qbo_invoice_currency": invoice.currency,
        "qbo_invoice_id": invoice.id,
        "qbo_realm_id": invoice.realm_id,
        // A deleted invoice has no page left in QuickBooks to open.
        "qbo_invoice_link": if invoice.deleted { String::new() } else { open_url(environment, invoice) },
    });
    if let Some((total, balance)) = invoiced(links, &hubspot.install.company_currency) {
        properties["qbo_invoiced_total"] = json!(total.to_string());
        properties["qbo_invoiced_balance"] =
            json!(balance.map(|b| b.to_string()).unwrap_or_default());
    }
    hubspot
        .api(app)
        .update_object("deals", deal_id, &properties)
        .await?;
    Ok(())
}

/// What all the deal's invoices in the account's currency bill and still owe (voided and deleted ones count
/// nothing):
/// with deposit and balance invoices (B9) the latest invoice alone is not the deal's picture. `None` if
/// the sums do not fit (then the deal keeps what it shows); the balance is unknown when one invoice's is.
fn invoiced(links: &[Link], currency: &str) -> Option<(Decimal, Option<Decimal>)> {
    links
        .iter()
        .map(|l| &l.snapshot)
        .filter(|s| {
            s.doc_type == DocType::Invoice && !s.voided && !s.deleted && s.currency == currency
        })
        .try_fold(
            (Decimal::ZERO, Some(Decimal::ZERO)),
            |(total, balance), s| {
                let balance = match (balance, s.balance) {
                    (Some(sum), Some(own)) => Some(sum.checked_add(own)?),
                    _ => None,
                };
                Some((total.checked_add(s.total)?, balance))
            },
        )
}

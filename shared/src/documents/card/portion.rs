//! Invoicing part of a deal (B9): one deposit or balance invoice of a deal at a time, each billing its share
//! of what the deal's earlier invoices have not.

use crate::documents::company::{Company, HubSpot};
use crate::documents::links::{Link, Record};
use crate::domain::draft::Draft;
use crate::domain::portion::{lines_total, portion_lines, Portion, PortionError};
use crate::quickbooks::entities::{DocType, Document};
use crate::{App, AppError};
use chrono::Utc;

/// How long a deal's deposit or balance invoice may take to create before another may start.
const DEAL_LEASE_MS: i64 = 20_000;

/// The lease on invoicing parts of one deal in one company, or `busy` while another request holds it.
pub(super) async fn deal_lease(
    app: &App,
    portal_id: u64,
    company: &Company,
    deal: &Record,
) -> Result<crate::store::Lease, AppError> {
    let name = crate::store::keys::deal_invoicing_lease(
        portal_id.into(),
        company.realm_id(),
        &deal.object_id,
    );
    let owner = uuid::Uuid::new_v4().simple().to_string();
    app.store
        .acquire_lease(&name, &owner, DEAL_LEASE_MS, Utc::now().timestamp_millis())
        .await?
        .ok_or_else(|| {
            AppError::Busy(
                "another deposit or balance invoice of this deal is being created; try again in a few seconds"
                    .into(),
            )
        })
}

/// The draft's lines made to bill `portion` of the deal (B9): the deal total is the lines' sum before tax,
/// and what the deal's earlier invoices in this company billed (their totals less tax, read fresh, so a
/// void in QuickBooks frees its share) is not billed again.
pub(super) async fn apply_portion(
    app: &App,
    portal_id: u64,
    company: &Company,
    deal: &Record,
    mut draft: Draft,
    portion: &Portion,
) -> Result<Draft, AppError> {
    let refused = |e: PortionError| AppError::BadRequest(e.to_string());
    let total = lines_total(&draft.lines).map_err(refused)?;
    let links = Link::list(&app.store, portal_id, deal).await?;
    let ids: Vec<&str> = links
        .iter()
        .map(|l| &l.snapshot)
        .filter(|s| &s.realm_id == company.realm_id() && s.doc_type == DocType::Invoice)
        .map(|s| s.id.as_str())
        .collect();
    let mut billed = rust_decimal::Decimal::ZERO;
    if !ids.is_empty() {
        let invoices = company
            .api(app)
            .query_ids::<Document>("Invoice", &ids)
            .await?
            .value;
        for invoice in &invoices {
            billed = invoice
                .subtotal()
                .and_then(|s| billed.checked_add(s))
                .ok_or_else(|| refused(PortionError::Overflow))?;
        }
    }
    let amount = portion.amount(total, billed).map_err(refused)?;
    let hubspot = HubSpot::open(app, portal_id).await?;
    let name = hubspot
        .api(app)
        .get_object("deals", &deal.object_id, &["dealname"])
        .await?
        .prop("dealname")
        .map(str::to_string)
        .unwrap_or_else(|| format!("deal {}", deal.object_id));
    draft.lines = portion_lines(&draft.lines, amount, &portion.label(&name)).map_err(refused)?;
    Ok(draft)
}

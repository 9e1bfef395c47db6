//! Sending an invoice from QuickBooks by e-mail (B9), the card's record and deal following at once.

use crate::documents::company::Company;
use crate::documents::deal::bring_up_to_date;
use crate::documents::links::{Link, Record, RecordType};
use crate::documents::once::request_id;
use crate::documents::view::DocumentView;
use crate::domain::snapshot::Snapshot;
use crate::ids::IdempotencyKey;
use crate::quickbooks::entities::DocType;
use crate::{App, AppError};
use chrono::Utc;

/// E-mails an invoice from QuickBooks (B9). With the record the card shows it on, that link's snapshot and
/// the deal's properties follow at once.
pub async fn send_invoice(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    id: &str,
    send_to: Option<&str>,
    record: Option<&Record>,
    key: Option<&str>,
) -> Result<DocumentView, AppError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::BadRequest(format!(
            "{id:?} is not a QuickBooks invoice id"
        )));
    }
    let send_to = send_to
        .map(crate::email::parse_address)
        .transpose()
        .map_err(|e| AppError::BadRequest(format!("sendTo: {e}")))?;
    let company = Company::open(app, portal_id, realm_id).await?;
    // The card's key per send makes its retries after a lost answer one send (QuickBooks answers a repeated
    // request id with the first answer); without a key, sending twice on purpose sends twice.
    let rid = match key {
        Some(key) => request_id(
            portal_id,
            realm_id,
            IdempotencyKey::parse(key.trim())?.as_str(),
            &format!("send#{id}"),
        ),
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    let sent = company.api(app).send_invoice(id, send_to, &rid).await.map_err(|e| match e {
        e if e.kind() == crate::quickbooks::FaultKind::BusinessRule => AppError::refused(
            crate::ErrorCode::CustomerMissingEmail,
            "the customer has no e-mail address; add one in QuickBooks or enter an address to send to",
        ),
        other => other.into(),
    })?;
    let now = Utc::now();
    let install = crate::installs::Install::require(&app.store, portal_id, now.timestamp()).await?;
    let profile = &company.connection.profile;
    let snapshot = Snapshot::of(
        company.realm_id(),
        DocType::Invoice,
        &sent.value,
        &profile.home_currency,
        sent.time.unwrap_or_else(|| now.fixed_offset()),
        now,
    );
    if let Some(record) = record {
        let mut links = Link::list(&app.store, portal_id, record).await?;
        if let Some(link) = links.iter_mut().find(|l| {
            l.snapshot.realm_id == realm_id
                && l.snapshot.id == id
                && l.snapshot.doc_type == DocType::Invoice
        }) {
            link.snapshot = snapshot.clone();
            link.save(&app.store).await?;
            if record.object_type == RecordType::Deals {
                let connections = vec![company.connection.clone()];
                let deal_id = &record.object_id;
                if let Err(e) =
                    bring_up_to_date(app, portal_id, deal_id, &links, &connections, true).await
                {
                    tracing::warn!(error = %e, %deal_id, "deal not updated after send");
                }
            }
        }
    }
    Ok(DocumentView::of(
        &snapshot,
        &profile.name,
        company.connection.environment,
        &install.company_currency,
        now,
    ))
}

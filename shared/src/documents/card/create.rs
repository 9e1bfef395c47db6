//! The card's create request (I3–I8, B4, B9): the rep's draft, created once per idempotency key, and the
//! record's document as the card then lists it.

use super::portion::{apply_portion, deal_lease};
use super::record::after_write;
use crate::documents::catalog;
use crate::documents::company::Company;
use crate::documents::create::{create, Created, CustomerChoice, NewCustomer, Order};
use crate::documents::items::{NewItem, NewItemLine};
use crate::documents::links::{Record, RecordType};
use crate::documents::lookup::proposed_doc_number;
use crate::documents::once::{request_id, run_once, Refusals};
use crate::documents::view::DocumentView;
use crate::domain::draft::{Draft, DraftError, DraftLine};
use crate::domain::portion::Portion;
use crate::domain::unmatched::new_item_account;
use crate::ids::IdempotencyKey;
use crate::quickbooks::entities::DocType;
use crate::settings::Settings;
use crate::store::keys;
use crate::{App, AppError, ErrorCode};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use std::time::Duration;

/// The card's create request (API.md, "Create").
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardCreate {
    pub idempotency_key: String,
    pub realm_id: String,
    pub object_type: String,
    pub object_id: String,
    #[serde(rename = "type")]
    pub doc_type: DocType,
    pub customer: CardCustomer,
    pub lines: Vec<CardLine>,
    #[serde(default)]
    pub term_id: Option<String>,
    #[serde(default)]
    pub txn_date: Option<NaiveDate>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub doc_number: Option<String>,
    /// Only part of the deal (B9): a percentage, a fixed deposit, or the balance; the lines are the whole
    /// deal's and each bills its share (domain/portion.rs).
    #[serde(default)]
    pub portion: Option<Portion>,
}

/// A line of the card's create request: an existing item (`itemId`), or a new one (`newItem`, B4) when the
/// account's settings create unmatched products.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardLine {
    #[serde(default)]
    pub item_id: Option<String>,
    #[serde(default)]
    pub new_item: Option<NewItem>,
    #[serde(default)]
    pub description: Option<String>,
    pub quantity: rust_decimal::Decimal,
    pub unit_price: rust_decimal::Decimal,
    #[serde(default)]
    pub service_date: Option<NaiveDate>,
    #[serde(default)]
    pub tax_code_id: Option<String>,
}

/// The draft lines of a card request, and those whose item is to be created (B4).
fn card_lines(
    lines: Vec<CardLine>,
    settings: &Settings,
    company: &Company,
) -> Result<(Vec<DraftLine>, Vec<NewItemLine>), AppError> {
    let mut draft_lines = Vec::with_capacity(lines.len());
    let mut new_items = Vec::new();
    for (n, line) in lines.into_iter().enumerate() {
        let item_id = match (line.item_id, line.new_item) {
            (Some(id), None) => id,
            (None, Some(item)) => {
                let account = new_item_account(settings, company.realm_id()).ok_or_else(|| {
                    AppError::refused(
                        ErrorCode::ItemNotMatched,
                        format!(
                            "line {}: choose a QuickBooks product; creating products for {} is not set up in the app settings",
                            n + 1,
                            company.connection.profile.name
                        ),
                    )
                })?;
                new_items.push(NewItemLine {
                    line: n,
                    item,
                    income_account: account.to_string(),
                });
                String::new()
            }
            _ => {
                return Err(AppError::BadRequest(format!(
                    "line {}: give either itemId or newItem",
                    n + 1
                )))
            }
        };
        draft_lines.push(DraftLine {
            item_id,
            description: line.description,
            quantity: line.quantity,
            unit_price: line.unit_price,
            service_date: line.service_date,
            tax_code_id: line.tax_code_id,
        });
    }
    Ok((draft_lines, new_items))
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardCustomer {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub new: Option<NewCustomer>,
}

/// How long a repeat of a card create waits for the first one.
const CARD_WAIT: Duration = Duration::from_secs(8);

/// Creates the card's document once per idempotency key (I8): `(created now, document)`.
pub async fn create_from_card(
    app: &App,
    portal_id: u64,
    req: CardCreate,
) -> Result<(bool, DocumentView), AppError> {
    let key = IdempotencyKey::parse(req.idempotency_key.trim())?;
    let record = Record::new(RecordType::parse_card(&req.object_type)?, &req.object_id)?;
    if req.portion.is_some()
        && (req.doc_type != DocType::Invoice || record.object_type != RecordType::Deals)
    {
        return Err(AppError::BadRequest(
            "a deposit, percentage or balance (portion) is for invoices of deals".into(),
        ));
    }
    let portion = req.portion;
    let customer = match (req.customer.id, req.customer.new) {
        (Some(id), None) => CustomerChoice::Existing { id },
        (None, Some(new)) => CustomerChoice::New(new),
        _ => {
            return Err(AppError::BadRequest(
                "customer must be either {\"id\"} or {\"new\"}".into(),
            ))
        }
    };
    let company = Company::open(app, portal_id, &req.realm_id).await?;
    let settings = Settings::load(&app.store, portal_id).await?;
    let (lines, new_items) = card_lines(req.lines, &settings, &company)?;
    let mut draft = Draft {
        doc_type: req.doc_type,
        lines,
        term_id: req.term_id,
        txn_date: req.txn_date,
        due_date: req.due_date,
        message: req.message,
        doc_number: req.doc_number,
    };
    // Without an invoice date QuickBooks dates the invoice today, in the company's time zone.
    if let (None, Some(due)) = (draft.txn_date, draft.due_date) {
        // Boxed: this rare path should not grow every create's future.
        let today = Box::pin(catalog::catalog(app, &company, Utc::now()))
            .await?
            .today(Utc::now());
        if draft.doc_type == DocType::Invoice && due < today {
            return Err(DraftError::DueBeforeDate.into());
        }
    }
    if draft
        .doc_number
        .as_deref()
        .is_none_or(|n| n.trim().is_empty())
    {
        draft.doc_number = proposed_doc_number(app, &company, draft.doc_type).await?;
    }
    // The payload is part of the request ids: the same click repeated replays, a corrected retry after a
    // refusal is a new request (refusals are not stored for the card).
    // The portion, not the lines it becomes: those depend on what is billed, which this very run changes.
    let fingerprint =
        serde_json::to_string(&(&draft, &customer, &new_items, &portion)).unwrap_or_default();
    let scope = request_id(portal_id, &req.realm_id, key.as_str(), &fingerprint);
    // Whether this request did the work (201) or got an earlier run's document (200).
    let mut fresh = false;
    let created: Created = run_once(
        app,
        portal_id,
        &keys::card_create_scope(&key),
        Refusals::Retryable,
        CARD_WAIT,
        || {
            fresh = true;
            async {
                // A deal's deposits and balance are created one at a time: each must see what the others
                // billed, or two balance invoices would both bill the rest.
                let lease = match &portion {
                    Some(_) => Some(deal_lease(app, portal_id, &company, &record).await?),
                    None => None,
                };
                let result = async {
                    let draft = match &portion {
                        Some(portion) => {
                            apply_portion(app, portal_id, &company, &record, draft, portion).await?
                        }
                        None => draft,
                    };
                    create(
                        app,
                        portal_id,
                        Order {
                            company: &company,
                            draft,
                            customer,
                            link_to: vec![record.clone()],
                            new_items,
                            paid: false,
                            scope,
                        },
                    )
                    .await
                }
                .await;
                if let Some(lease) = lease {
                    // A failed release only delays the deal's next deposit until the lease runs out; it
                    // must not fail an invoice that was created.
                    if let Err(e) = app.store.release_lease(&lease).await {
                        tracing::warn!(error = %e, "releasing the deal's invoicing lease failed");
                    }
                }
                result
            }
        },
    )
    .await?;
    let list = after_write(app, portal_id, &record).await?;
    let view = list
        .documents
        .into_iter()
        .find(|d| d.id == created.snapshot.id && d.realm_id == created.snapshot.realm_id)
        .ok_or_else(|| {
            AppError::Conflict(
                "the document was created but its link is missing; refresh the card".into(),
            )
        })?;
    Ok((fresh, view))
}

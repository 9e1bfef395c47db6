//! Workflow custom actions (W1–W8): "Create QuickBooks invoice / estimate / sales receipt" for the enrolled
//! deal or quote, exactly once per execution (W7).
//!
//! Retry strategy: we do the work inside the request and answer synchronously. A business refusal is
//! final: `FAIL_CONTINUE` with an `errorCode` output (stored, so a repeat answers the same), and so is a
//! final HubSpot answer (401/403/404/400…, `HubSpotError::is_transient`). A transient failure (QuickBooks
//! or HubSpot 5xx/429, a timeout, storage) answers 503, so HubSpot retries with backoff for up
//! to three days. Why not BLOCK + callback: the work is a handful of calls that finish in well under
//! HubSpot's ~30 s, and answering inline needs no queue, no worker and no second delivery path that could
//! itself fail. Repeats are safe either way: the `callbackId` is the idempotency key and the `requestid` of
//! every QuickBooks write, so a redelivery after a lost answer gets the first document back.

use crate::documents::company::{Company, HubSpot};
use crate::documents::create::{create, CustomerChoice, Order};
use crate::documents::deal::update_deal;
use crate::documents::items::{NewItem, NewItemLine};
use crate::documents::links::{Link, Record, RecordType};
use crate::documents::once::{run_once, Refusals};
use crate::documents::payments::note_payments;
use crate::documents::source;
use crate::documents::view::open_url;
use crate::domain::draft::{match_item, Draft, DraftLine};
use crate::domain::pricing::price;
use crate::ids::CallbackId;
use crate::quickbooks::entities::{DocType, Item, TaxCode};
use crate::settings::{Settings, UnmatchedItem};
use crate::store::keys;
use crate::{App, AppError, ErrorCode};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// An execution request (hubspot-api.md §4).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub callback_id: String,
    pub origin: Origin,
    pub object: Enrolled,
    #[serde(default)]
    pub input_fields: HashMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    pub portal_id: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// A number in HubSpot's examples; accept a string too.
    pub object_id: Value,
    pub object_type: String,
}

/// What later workflow steps get (W8).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutputs {
    pub document_id: String,
    pub document_number: String,
    pub total: String,
    pub link: String,
}

/// How long a concurrent delivery of the same execution waits for the first one's outcome.
const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Execution {
    fn input(&self, name: &str) -> Option<String> {
        match self.input_fields.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn record(&self) -> Result<Record, AppError> {
        let id = match &self.object.object_id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let kind = match self.object.object_type.to_ascii_uppercase().as_str() {
            "DEAL" | "0-3" => RecordType::Deals,
            "QUOTE" | "0-14" => RecordType::Quotes,
            other => {
                return Err(AppError::BadRequest(format!(
                    "this action runs in deal- and quote-based workflows, not for {other}"
                )))
            }
        };
        Record::new(kind, &id)
    }
}

/// The answer HubSpot gets, or an error for a transient failure (answered 503 so HubSpot retries).
pub async fn execute(app: &App, doc_type: DocType, exec: &Execution) -> Result<Value, AppError> {
    let key = CallbackId::parse(exec.callback_id.trim())?;
    let portal_id = exec.origin.portal_id;
    crate::installs::Install::require(&app.store, portal_id, Utc::now().timestamp()).await?;
    let record = exec.record()?;
    let result = run_once(
        app,
        portal_id,
        &keys::workflow_action_scope(&key),
        Refusals::Final,
        WAIT,
        || run(app, portal_id, doc_type, exec, &record, &key),
    )
    .await;
    match result {
        Ok(out) => Ok(json!({ "outputFields": {
            "documentId": out.document_id,
            "documentNumber": out.document_number,
            "total": out.total,
            "link": out.link,
            "hs_execution_state": "SUCCESS",
        }})),
        Err(e) if e.code().is_transient() => Err(e),
        Err(e) => Ok(json!({ "outputFields": {
            "errorCode": workflow_code(e.code()),
            "errorMessage": e.public_message(),
            "hs_execution_state": "FAIL_CONTINUE",
        }})),
    }
}

/// The codes the action definitions' execution rules turn into text (infra/hubspot/src/app/workflow-actions).
pub fn workflow_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::NotFound => "UNKNOWN_COMPANY",
        ErrorCode::ReconnectNeeded => "RECONNECT_NEEDED",
        ErrorCode::NoContact => "NO_CONTACT",
        ErrorCode::NoLineItems => "NO_LINE_ITEMS",
        ErrorCode::ItemNotMatched | ErrorCode::ItemNotFound => "ITEM_NOT_MATCHED",
        ErrorCode::CustomerNotFound => "CUSTOMER_NOT_FOUND",
        ErrorCode::TaxCodeRequired => "TAX_CODE_REQUIRED",
        ErrorCode::PaidInvoiceTaxable => "PAID_INVOICE_TAXABLE",
        ErrorCode::DuplicateDocNumber => "DUPLICATE_DOC_NUMBER",
        ErrorCode::AmountOutOfRange => "AMOUNT_OUT_OF_RANGE",
        ErrorCode::InvalidText => "INVALID_TEXT",
        ErrorCode::InvalidDaysUntilDue => "INVALID_DAYS_UNTIL_DUE",
        ErrorCode::HubSpotAccessDenied => "HUBSPOT_ACCESS_DENIED",
        ErrorCode::HubSpotNotFound => "HUBSPOT_RECORD_NOT_FOUND",
        ErrorCode::HubSpotRejected => "HUBSPOT_REJECTED",
        _ => "QUICKBOOKS_REJECTED",
    }
}

async fn run(
    app: &App,
    portal_id: u64,
    doc_type: DocType,
    exec: &Execution,
    record: &Record,
    key: &str,
) -> Result<ActionOutputs, AppError> {
    // Inputs first: a wrong one is reported before anything is read or written.
    let days_until_due = match (doc_type, exec.input("daysUntilDue")) {
        (DocType::Invoice, Some(days)) => Some(parse_days_until_due(&days)?),
        _ => None,
    };
    let realm_id = exec
        .input("realmId")
        .ok_or_else(|| AppError::NotFound("the action has no QuickBooks company chosen".into()))?;
    let company = Company::open(app, portal_id, &realm_id).await?;
    let hubspot = HubSpot::open(app, portal_id).await?;
    let hs = hubspot.api(app);
    let qbo = company.api(app);
    let profile = &company.connection.profile;
    let settings = Settings::load(&app.store, portal_id).await?;

    let lines = source::lines_of(&hs, record.object_type.as_str(), &record.object_id).await?;
    if lines.is_empty() {
        return Err(AppError::refused(
            ErrorCode::NoLineItems,
            "the record has no line items to put on the document",
        ));
    }
    let person = source::person_of(&hs, record.object_type.as_str(), &record.object_id)
        .await?
        .ok_or_else(|| {
            AppError::refused(
                ErrorCode::NoContact,
                "the record has no associated contact to bill",
            )
        })?;
    let items = qbo
        .query::<Item>("Item", "WHERE Active = true MAXRESULTS 1000")
        .await?;
    let today = items
        .time
        .map_or_else(|| Utc::now().date_naive(), |t| t.date_naive());
    let items = items.value;
    let default_item = match settings.unmatched_item {
        UnmatchedItem::DefaultItem => settings
            .default_items
            .get(realm_id.as_str())
            .and_then(|id| items.iter().find(|i| i.id == id.as_str())),
        UnmatchedItem::Fail | UnmatchedItem::CreateItem => None,
    };
    let income_account = match settings.unmatched_item {
        UnmatchedItem::CreateItem => settings.income_accounts.get(realm_id.as_str()),
        UnmatchedItem::Fail | UnmatchedItem::DefaultItem => None,
    };
    let fallback_tax = exec.input("taxCodeId");
    let mut unmatched = Vec::new();
    let mut draft_lines = Vec::new();
    let mut new_items = Vec::new();
    // Per line, the item's name and whether it is taxable, for the paid-invoice check (W6). A new item
    // is created without `Taxable`, which QuickBooks reads as not taxable.
    let mut chosen: Vec<(&str, bool)> = Vec::new();
    for line in &lines {
        let found = match_item(line, &items).or(default_item);
        let (item_id, default_tax) = match (found, income_account) {
            (Some(item), _) => {
                chosen.push((&item.name, item.taxable));
                (
                    item.id.clone(),
                    item.sales_tax_code.as_ref().map(|r| r.value.clone()),
                )
            }
            (None, Some(account)) => {
                new_items.push(NewItemLine {
                    line: draft_lines.len(),
                    item: NewItem {
                        name: line.name.clone(),
                        sku: line.sku.clone(),
                    },
                    income_account: account.to_string(),
                });
                chosen.push((&line.name, false));
                (String::new(), None)
            }
            (None, None) => {
                unmatched.push(match &line.sku {
                    Some(sku) => format!("{} ({sku})", line.name),
                    None => line.name.clone(),
                });
                continue;
            }
        };
        let tax_code_id = profile
            .line_tax_codes_required
            .then(|| default_tax.or(fallback_tax.clone()))
            .flatten();
        if profile.line_tax_codes_required && tax_code_id.is_none() {
            return Err(AppError::refused(
                ErrorCode::TaxCodeRequired,
                format!(
                    "{} has no default tax code in QuickBooks; choose a tax code in the action",
                    found.map_or(&line.name, |i| &i.name)
                ),
            ));
        }
        // At the line's net value, the discount named in the description (domain/pricing.rs).
        let priced = price(line)?;
        draft_lines.push(DraftLine {
            item_id,
            description: Some(priced.description),
            quantity: priced.quantity,
            unit_price: priced.unit_price,
            service_date: None,
            tax_code_id,
        });
    }
    if !unmatched.is_empty() {
        let hint = match settings.unmatched_item {
            UnmatchedItem::CreateItem => format!(
                "; creating products needs an income account for {} in the app settings",
                profile.name
            ),
            _ => String::new(),
        };
        return Err(AppError::refused(
            ErrorCode::ItemNotMatched,
            format!(
                "no QuickBooks product matches {}; nothing was created{hint}",
                unmatched.join(", ")
            ),
        ));
    }

    let paid = doc_type == DocType::Invoice
        && exec.input("createPaid").is_some_and(|v| v == "true")
        && has_payment(&hs, record).await?;
    if paid {
        check_untaxed(app, &company, &draft_lines, &chosen).await?;
    }
    let due_date = days_until_due.map(|days| today + Duration::days(days));
    let draft = Draft {
        doc_type,
        lines: draft_lines,
        term_id: None,
        txn_date: Some(today),
        due_date,
        message: None,
        doc_number: crate::documents::card::proposed_doc_number(app, &company, doc_type).await?,
    };
    // A quote's document shows on its deal's card too.
    let mut link_to = vec![record.clone()];
    if record.object_type == RecordType::Quotes {
        for deal in hs
            .associated_ids("quotes", &record.object_id, "deals")
            .await?
        {
            link_to.push(Record::new(RecordType::Deals, &deal)?);
        }
    }
    let created = create(
        app,
        portal_id,
        Order {
            company: &company,
            draft,
            customer: CustomerChoice::Match {
                person,
                create: settings.create_customers,
            },
            link_to: link_to.clone(),
            new_items,
            paid,
            scope: key.to_string(),
        },
    )
    .await?;
    // Part of the run: a failure here answers 503, and the redelivery replays the creates and retries this.
    let connections = vec![company.connection.clone()];
    for deal in link_to
        .iter()
        .filter(|r| r.object_type == RecordType::Deals)
    {
        let links = Link::list(&app.store, portal_id, deal).await?;
        update_deal(
            app,
            &hubspot,
            &deal.object_id,
            &links,
            &connections,
            Utc::now(),
        )
        .await?;
        note_payments(app, &hubspot, portal_id, &deal.object_id, &links).await?;
    }
    let snapshot = &created.snapshot;
    Ok(ActionOutputs {
        document_id: snapshot.id.clone(),
        document_number: snapshot.number.clone().unwrap_or_default(),
        total: crate::documents::view::cents(snapshot.total).to_string(),
        link: open_url(company.connection.environment, snapshot),
    })
}

/// The most days until due the invoice action takes: ten years, longer than any payment term.
const MAX_DAYS_UNTIL_DUE: i64 = 3650;

/// "Days after creation until payment is due" (W1): a whole number of days from 0 (due on receipt; a
/// negative number would put the due date before the invoice date) to ten years. HubSpot sends a number
/// field as `14` or `"14"`, from a property possibly `"14.0"`.
fn parse_days_until_due(text: &str) -> Result<i64, AppError> {
    use rust_decimal::prelude::ToPrimitive;
    crate::domain::money::parse(text)
        .filter(|d| d.fract().is_zero())
        .and_then(|d| d.to_i64())
        .filter(|d| (0..=MAX_DAYS_UNTIL_DUE).contains(d))
        .ok_or_else(|| {
            AppError::refused(
                ErrorCode::InvalidDaysUntilDue,
                format!(
                    "days until due must be a whole number of days from 0 to {MAX_DAYS_UNTIL_DUE}, not {text:?}; nothing was created"
                ),
            )
        })
}

/// "The deal has payment information" (W6): a succeeded HubSpot payment on the deal (hubspot-api.md §5,
/// deal→payment 392).
async fn has_payment(
    hs: &crate::hubspot::HubSpotApi<'_>,
    record: &Record,
) -> Result<bool, AppError> {
    let deals = match record.object_type {
        RecordType::Deals => vec![record.object_id.to_string()],
        _ => {
            hs.associated_ids(record.object_type.as_str(), &record.object_id, "deals")
                .await?
        }
    };
    for deal in deals {
        let ids = hs
            .associated_ids("deals", &deal, "commerce_payments")
            .await?;
        if ids.is_empty() {
            continue;
        }
        let payments = hs
            .batch_read("commerce_payments", &ids, &["hs_latest_status"])
            .await?;
        if payments
            .iter()
            .any(|p| p.prop("hs_latest_status").is_none_or(|s| s == "succeeded"))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A paid invoice takes non-taxable lines only (W6, as HubSpot's own integration).
async fn check_untaxed(
    app: &App,
    company: &Company,
    lines: &[DraftLine],
    items: &[(&str, bool)],
) -> Result<(), AppError> {
    let taxed: Vec<&str> = if company.connection.profile.line_tax_codes_required {
        let codes = company
            .api(app)
            .query::<TaxCode>("TaxCode", "")
            .await?
            .value;
        lines
            .iter()
            .zip(items)
            .filter(|(l, _)| {
                codes
                    .iter()
                    .find(|c| Some(&c.id) == l.tax_code_id.as_ref())
                    .is_none_or(|c| c.taxable != Some(false))
            })
            .map(|(_, (name, _))| *name)
            .collect()
    } else {
        items
            .iter()
            .filter(|(_, taxable)| *taxable)
            .map(|(name, _)| *name)
            .collect()
    };
    if taxed.is_empty() {
        Ok(())
    } else {
        Err(AppError::refused(
            ErrorCode::PaidInvoiceTaxable,
            format!(
                "a paid invoice can only have non-taxable lines; taxable: {}",
                taxed.join(", ")
            ),
        ))
    }
}

/// The tax codes of the company chosen in an action (the `taxCodeId` field's options).
pub async fn tax_code_options(
    app: &App,
    portal_id: u64,
    realm_id: &str,
) -> Result<Vec<Value>, AppError> {
    let company = Company::open(app, portal_id, realm_id).await?;
    let codes = company
        .api(app)
        .query::<TaxCode>("TaxCode", "WHERE Active = true")
        .await?
        .value;
    Ok(codes
        .iter()
        .map(|c| json!({ "label": c.name, "value": c.id }))
        .collect())
}

//! What the invoice card asks for (functions/invoice-card/API.md): a record's documents, a draft proposal,
//! searches, creating, linking, sending and previewing.

use super::company::{Company, HubSpot};
use super::create::{create, Created, CustomerChoice, NewCustomer, Order};
use super::deal::update_deal;
use super::items::{NewItem, NewItemLine};
use super::links::{Link, Record, RecordType};
use super::once::{run_once, Refusals};
use super::payments::note_payments;
use super::refresh::refresh;
use super::source;
use super::view::DocumentView;
use crate::connections::{installed_portal, CompanySummary, Connection};
use crate::domain::draft::{match_item, next_doc_number, Draft, DraftError, DraftLine, MatchedBy};
use crate::domain::portion::{lines_total, portion_lines, Portion, PortionError};
use crate::domain::pricing::price;
use crate::domain::snapshot::Snapshot;
use crate::ids::{IdempotencyKey, QboId, RecordId};
use crate::quickbooks::api::quoted;
use crate::quickbooks::entities::{Customer, DocType, Document, Item};
use crate::settings::{Settings, UnmatchedItem};
use crate::store::keys;
use crate::{App, AppError, ErrorCode};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The card's answer for a record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordDocuments {
    pub companies: Vec<CompanySummary>,
    pub documents: Vec<DocumentView>,
    pub notices: Vec<String>,
}

fn views(
    links: &[Link],
    connections: &[Connection],
    currency: &str,
    now: DateTime<Utc>,
) -> Vec<DocumentView> {
    let mut views: Vec<DocumentView> = links
        .iter()
        .map(|l| {
            let connection = connections
                .iter()
                .find(|c| c.realm_id == l.snapshot.realm_id);
            DocumentView::of(
                &l.snapshot,
                connection.map_or(l.snapshot.realm_id.as_str(), |c| c.profile.name.as_str()),
                connection.map_or(crate::connections::Environment::Production, |c| {
                    c.environment
                }),
                currency,
                now,
            )
        })
        .collect();
    views.sort_by_key(|v| std::cmp::Reverse(v.updated_at));
    views
}

/// A record's documents, stale snapshots refreshed first (I1, I2); a deal's properties follow changes (I11).
pub async fn record_documents(
    app: &App,
    portal_id: u64,
    record: &Record,
    force: bool,
) -> Result<RecordDocuments, AppError> {
    let now = Utc::now();
    let (install, connections) = installed_portal(&app.store, portal_id, now.timestamp()).await?;
    let links = Link::list(&app.store, portal_id, record).await?;
    let refreshed = refresh(app, portal_id, links, now, force).await?;
    let current = Current {
        install,
        connections,
        links: refreshed.links,
        notices: refreshed.notices,
    };
    Ok(current
        .answer(app, portal_id, record, refreshed.changed, now)
        .await)
}

/// The record's list after a write (a create or a link), with the deal brought up to date.
async fn after_write(
    app: &App,
    portal_id: u64,
    record: &Record,
) -> Result<RecordDocuments, AppError> {
    let now = Utc::now();
    let (install, connections) = installed_portal(&app.store, portal_id, now.timestamp()).await?;
    let links = Link::list(&app.store, portal_id, record).await?;
    let current = Current {
        install,
        connections,
        links,
        notices: Vec::new(),
    };
    Ok(current.answer(app, portal_id, record, true, now).await)
}

/// What a record's answer is made of.
struct Current {
    install: crate::installs::Install,
    connections: Vec<Connection>,
    links: Vec<Link>,
    notices: Vec<String>,
}

impl Current {
    /// Syncs a deal (`changed`: its documents' figures moved) and shapes the card's answer.
    async fn answer(
        mut self,
        app: &App,
        portal_id: u64,
        record: &Record,
        changed: bool,
        now: DateTime<Utc>,
    ) -> RecordDocuments {
        if record.object_type == RecordType::Deals {
            let deal = &record.object_id;
            if let Err(e) = sync_deal(
                app,
                portal_id,
                deal,
                &self.links,
                &self.connections,
                changed,
            )
            .await
            {
                self.notices.push(e);
            }
        }
        RecordDocuments {
            companies: self.connections.iter().map(CompanySummary::from).collect(),
            documents: views(
                &self.links,
                &self.connections,
                &self.install.company_currency,
                now,
            ),
            notices: self.notices,
        }
    }
}

/// Brings a deal up to date: its properties when its documents changed (I11), and a note for each payment
/// not noted yet (I14). A failure is a notice for the user, not a failed request: the documents exist and
/// the next render tries again.
async fn sync_deal(
    app: &App,
    portal_id: u64,
    deal_id: &RecordId,
    links: &[Link],
    connections: &[Connection],
    changed: bool,
) -> Result<(), String> {
    let payments = links.iter().any(|l| !l.snapshot.payment_ids.is_empty());
    if !changed && !payments {
        return Ok(());
    }
    let result = async {
        let hubspot = HubSpot::open(app, portal_id).await?;
        if changed {
            update_deal(app, &hubspot, deal_id, links, connections, Utc::now()).await?;
        }
        note_payments(app, &hubspot, portal_id, deal_id, links).await
    }
    .await;
    result.map(|_| ()).map_err(|e| {
        tracing::warn!(error = %e, deal_id = %deal_id, "deal properties not updated");
        format!(
            "The deal was not fully updated from QuickBooks ({}); it will be on the next refresh",
            e.public_message()
        )
    })
}

/// Where a draft starts (I3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Record,
    Quote(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub currency: Option<String>,
}

impl From<&Customer> for CustomerView {
    fn from(c: &Customer) -> Self {
        Self {
            id: c.id.clone(),
            display_name: c.display_name.clone(),
            email: c.email().map(str::to_string),
            currency: c.currency.as_ref().map(|r| r.value.clone()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    pub id: String,
    pub name: String,
    pub sku: Option<String>,
    pub unit_price: rust_decimal::Decimal,
    pub taxable: bool,
}

impl From<&Item> for ItemView {
    fn from(i: &Item) -> Self {
        Self {
            id: i.id.clone(),
            name: i.name.clone(),
            sku: i.sku.clone(),
            unit_price: i.unit_price,
            taxable: i.taxable,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposedLine {
    /// The HubSpot line item's name: what a new QuickBooks item would be called (B4).
    pub name: String,
    pub description: String,
    pub sku: Option<String>,
    pub quantity: rust_decimal::Decimal,
    pub unit_price: rust_decimal::Decimal,
    /// The line's net value as the deal has it: `quantity × unitPrice` to the cent.
    pub amount: rust_decimal::Decimal,
    pub suggested_item: Option<ItemView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerProposal {
    #[serde(rename = "match")]
    pub matched: Option<CustomerView>,
    pub matched_by: Option<MatchedBy>,
    pub proposed: Option<NewCustomer>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyFacts {
    pub realm_id: String,
    pub name: String,
    pub country: String,
    pub home_currency: String,
    pub line_tax_codes_required: bool,
    pub custom_txn_numbers: bool,
    pub multi_currency: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftProposal {
    pub company: CompanyFacts,
    pub quotes: Vec<source::QuoteInfo>,
    pub customer: CustomerProposal,
    pub lines: Vec<ProposedLine>,
    pub tax_codes: Vec<TaxCodeView>,
    pub terms: Vec<TermView>,
    pub next_doc_number: Option<String>,
    pub txn_date: NaiveDate,
    /// Whether a line without a QuickBooks product may create one (`newItem`): the account's settings
    /// create unmatched products and name an income account for this company (B4).
    pub create_items: bool,
}

#[derive(Serialize)]
pub struct TaxCodeView {
    pub id: String,
    pub name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TermView {
    pub id: String,
    pub name: String,
    pub due_days: Option<i64>,
}

/// The next number for a company with custom transaction numbers (I13), from its latest documents.
pub async fn proposed_doc_number(
    app: &App,
    company: &Company,
    doc_type: DocType,
) -> Result<Option<String>, AppError> {
    if !company.connection.profile.custom_txn_numbers {
        return Ok(None);
    }
    let recent = company
        .api(app)
        .query::<Document>(
            doc_type.entity(),
            "ORDERBY MetaData.CreateTime DESC MAXRESULTS 50",
        )
        .await?
        .value;
    Ok(
        next_doc_number(recent.iter().filter_map(|d| d.doc_number.as_deref()))
            .or_else(|| Some("1001".to_string())),
    )
}

/// A proposal for the create wizard: customer match, lines with suggested items, tax codes, terms.
pub async fn draft_proposal(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    record: &Record,
    from: Source,
) -> Result<DraftProposal, AppError> {
    let company = Company::open(app, portal_id, realm_id).await?;
    let hubspot = HubSpot::open(app, portal_id).await?;
    let hs = hubspot.api(app);
    let profile = &company.connection.profile;
    let catalog = super::catalog::catalog(app, &company, Utc::now()).await?;
    let (items, today) = (&catalog.items, catalog.today(Utc::now()));
    // The deal's quotes, its lines and the customer match are independent reads: made together, a draft
    // costs the slowest of them rather than their sum.
    let quotes = async {
        match record.object_type {
            RecordType::Deals => source::quotes_of(&hs, &record.object_id, today).await,
            _ => Ok(Vec::new()),
        }
    };
    let deal_lines = async {
        match &from {
            Source::Record if record.object_type == RecordType::Deals => {
                source::lines_of(&hs, "deals", &record.object_id).await
            }
            _ => Ok(Vec::new()),
        }
    };
    let settings = Settings::load(&app.store, portal_id).await?;
    let create_items = settings.unmatched_item == UnmatchedItem::CreateItem
        && settings.income_accounts.contains_key(realm_id);
    let customer = async {
        let person = source::person_of(&hs, record.object_type.as_str(), &record.object_id).await?;
        let matched = match &person {
            Some(p) => super::create::find_customer(app, &company, p)
                .await?
                .unzip(),
            None => (None, None),
        };
        Ok::<_, AppError>((person, matched))
    };
    let (quotes, mut lines, (person, (matched, matched_by))) =
        tokio::try_join!(quotes, deal_lines, customer)?;
    if let Source::Quote(id) = &from {
        if !quotes.iter().any(|q| &q.id == id) {
            return Err(AppError::NotFound(format!(
                "quote {id} is not one of this deal's quotes"
            )));
        }
        source::usable_quote(&hs, id, today).await?;
        lines = source::lines_of(&hs, "quotes", id).await?;
    }
    Ok(DraftProposal {
        company: CompanyFacts {
            realm_id: realm_id.to_string(),
            name: profile.name.clone(),
            country: profile.country.clone(),
            home_currency: profile.home_currency.clone(),
            line_tax_codes_required: profile.line_tax_codes_required,
            custom_txn_numbers: profile.custom_txn_numbers,
            multi_currency: profile.multi_currency,
        },
        quotes,
        customer: CustomerProposal {
            matched: matched.as_ref().map(CustomerView::from),
            matched_by,
            proposed: person.as_ref().and_then(NewCustomer::from_person),
        },
        lines: lines
            .iter()
            .map(|l| {
                // At the line's net value, the discount named in the description (domain/pricing.rs).
                let priced = price(l)?;
                Ok(ProposedLine {
                    name: l.name.clone(),
                    description: priced.description,
                    sku: l.sku.clone(),
                    quantity: priced.quantity,
                    unit_price: priced.unit_price,
                    amount: priced.amount,
                    suggested_item: match_item(l, items).map(ItemView::from),
                })
            })
            .collect::<Result<_, AppError>>()?,
        tax_codes: catalog
            .tax_codes
            .iter()
            .map(|t| TaxCodeView {
                id: t.id.clone(),
                name: t.name.clone(),
            })
            .collect(),
        terms: catalog
            .terms
            .iter()
            .map(|t| TermView {
                id: t.id.clone(),
                name: t.name.clone(),
                due_days: t.due_days,
            })
            .collect(),
        next_doc_number: proposed_doc_number(app, &company, DocType::Invoice).await?,
        txn_date: today,
        create_items,
    })
}

/// The most rows a search answers.
const SEARCH_LIMIT: u32 = 50;

fn like(q: &str) -> String {
    quoted(&format!("%{}%", q.trim()))
}

pub async fn search_customers(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    q: &str,
) -> Result<Vec<CustomerView>, AppError> {
    let company = Company::open(app, portal_id, realm_id).await?;
    let filter = match q.trim() {
        "" => format!("ORDERBY DisplayName MAXRESULTS {SEARCH_LIMIT}"),
        q if q.contains('@') => format!(
            "WHERE PrimaryEmailAddr = {} MAXRESULTS {SEARCH_LIMIT}",
            quoted(q)
        ),
        q => format!(
            "WHERE DisplayName LIKE {} ORDERBY DisplayName MAXRESULTS {SEARCH_LIMIT}",
            like(q)
        ),
    };
    let found = company
        .api(app)
        .query::<Customer>("Customer", &filter)
        .await?
        .value;
    Ok(found.iter().map(CustomerView::from).collect())
}

pub async fn search_items(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    q: &str,
) -> Result<Vec<ItemView>, AppError> {
    let company = Company::open(app, portal_id, realm_id).await?;
    let filter = match q.trim() {
        "" => format!("ORDERBY Name MAXRESULTS {SEARCH_LIMIT}"),
        q => format!(
            "WHERE Name LIKE {} ORDERBY Name MAXRESULTS {SEARCH_LIMIT}",
            like(q)
        ),
    };
    let found = company.api(app).query::<Item>("Item", &filter).await?.value;
    Ok(found.iter().map(ItemView::from).collect())
}

/// Search filters for existing invoices (I10).
#[derive(Default)]
pub struct InvoiceSearch {
    pub number: Option<String>,
    pub customer: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub async fn search_invoices(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    search: &InvoiceSearch,
) -> Result<Vec<DocumentView>, AppError> {
    let now = Utc::now();
    let company = Company::open(app, portal_id, realm_id).await?;
    let install = crate::installs::Install::require(&app.store, portal_id, now.timestamp()).await?;
    let api = company.api(app);
    let mut conditions = Vec::new();
    if let Some(n) = search
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        conditions.push(format!("DocNumber = {}", quoted(n)));
    }
    if let Some(name) = search
        .customer
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let customers = api
            .query::<Customer>(
                "Customer",
                &format!("WHERE DisplayName LIKE {} MAXRESULTS 100", like(name)),
            )
            .await?
            .value;
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        let ids = customers
            .iter()
            .map(|c| quoted(&c.id))
            .collect::<Vec<_>>()
            .join(",");
        conditions.push(format!("CustomerRef IN ({ids})"));
    }
    if let Some(from) = search.from {
        conditions.push(format!("TxnDate >= '{from}'"));
    }
    if let Some(to) = search.to {
        conditions.push(format!("TxnDate <= '{to}'"));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let answer = api
        .query::<Document>(
            "Invoice",
            &format!("{filter} ORDERBY TxnDate DESC MAXRESULTS {SEARCH_LIMIT}"),
        )
        .await?;
    let company_time = answer.time.unwrap_or_else(|| now.fixed_offset());
    let profile = &company.connection.profile;
    Ok(answer
        .value
        .iter()
        .map(|d| {
            let s = Snapshot::of(
                company.realm_id(),
                DocType::Invoice,
                d,
                &profile.home_currency,
                company_time,
                now,
            );
            DocumentView::of(
                &s,
                &profile.name,
                company.connection.environment,
                &install.company_currency,
                now,
            )
        })
        .collect())
}

/// A document chosen to link.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocRef {
    #[serde(rename = "type")]
    pub doc_type: DocType,
    pub id: QboId,
}

/// Links existing documents to a record (I10) and answers the record's full list.
pub async fn link_existing(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    record: &Record,
    docs: &[DocRef],
) -> Result<RecordDocuments, AppError> {
    if docs.is_empty() || docs.len() > 100 {
        return Err(AppError::BadRequest(
            "choose between 1 and 100 documents to add".into(),
        ));
    }
    let company = Company::open(app, portal_id, realm_id).await?;
    let now = Utc::now();
    for doc_type in DocType::ALL {
        let ids: Vec<&str> = docs
            .iter()
            .filter(|d| d.doc_type == doc_type)
            .map(|d| d.id.as_str())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let answer = company
            .api(app)
            .query_ids::<Document>(doc_type.entity(), &ids)
            .await?;
        if let Some(missing) = ids
            .iter()
            .find(|id| !answer.value.iter().any(|d| d.id == **id))
        {
            return Err(AppError::NotFound(format!(
                "{} {missing} was not found in QuickBooks",
                doc_type.noun()
            )));
        }
        let company_time = answer.time.unwrap_or_else(|| now.fixed_offset());
        for doc in &answer.value {
            Link {
                portal_id,
                record: record.clone(),
                snapshot: Snapshot::of(
                    company.realm_id(),
                    doc_type,
                    doc,
                    &company.connection.profile.home_currency,
                    company_time,
                    now,
                ),
                linked_at: now,
            }
            .save(&app.store)
            .await?;
        }
    }
    after_write(app, portal_id, record).await
}

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
                let account = match settings.unmatched_item {
                    UnmatchedItem::CreateItem => settings.income_accounts.get(company.realm_id()),
                    UnmatchedItem::Fail | UnmatchedItem::DefaultItem => None,
                };
                let account = account.ok_or_else(|| {
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
        let today = Box::pin(super::catalog::catalog(app, &company, Utc::now()))
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
    let scope = super::once::request_id(portal_id, &req.realm_id, &key, &fingerprint);
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

/// How long a deal's deposit or balance invoice may take to create before another may start.
const DEAL_LEASE_MS: i64 = 20_000;

/// The lease on invoicing parts of one deal in one company, or `busy` while another request holds it.
async fn deal_lease(
    app: &App,
    portal_id: u64,
    company: &Company,
    deal: &Record,
) -> Result<crate::store::Lease, AppError> {
    let name = keys::deal_invoicing_lease(portal_id.into(), company.realm_id(), &deal.object_id);
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
async fn apply_portion(
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
        .filter(|s| s.realm_id == *company.realm_id() && s.doc_type == DocType::Invoice)
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

/// E-mails an invoice from QuickBooks (B9). With the record the card shows it on, that link's snapshot and
/// the deal's properties follow at once.
pub async fn send_invoice(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    id: &QboId,
    send_to: Option<&str>,
    record: Option<&Record>,
    key: Option<&str>,
) -> Result<DocumentView, AppError> {
    let send_to = send_to
        .map(crate::email::parse_address)
        .transpose()
        .map_err(|e| AppError::BadRequest(format!("sendTo: {e}")))?;
    let company = Company::open(app, portal_id, realm_id).await?;
    // The card's key per send makes its retries after a lost answer one send (QuickBooks answers a repeated
    // request id with the first answer); without a key, sending twice on purpose sends twice.
    let rid = match key {
        Some(key) => super::once::request_id(
            portal_id,
            realm_id,
            &IdempotencyKey::parse(key.trim())?,
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
                && l.snapshot.id == id.as_str()
                && l.snapshot.doc_type == DocType::Invoice
        }) {
            link.snapshot = snapshot.clone();
            link.save(&app.store).await?;
            if record.object_type == RecordType::Deals {
                let connections = vec![company.connection.clone()];
                if let Err(e) = sync_deal(
                    app,
                    portal_id,
                    &record.object_id,
                    &links,
                    &connections,
                    true,
                )
                .await
                {
                    tracing::warn!(notice = %e, "deal not updated after send");
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

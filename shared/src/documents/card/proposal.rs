//! The create wizard's proposal (I3–I7, I13, B4): the deal's quotes, the customer match, the lines with
//! suggested items, the company's tax codes and terms, the next document number.

use super::search::{CustomerView, ItemView};
use crate::documents::company::{Company, HubSpot};
use crate::documents::create::{find_customer, NewCustomer};
use crate::documents::links::{Record, RecordType};
use crate::documents::lookup::proposed_doc_number;
use crate::documents::{catalog, source};
use crate::domain::matching::{match_item, MatchedBy};
use crate::domain::pricing::price;
use crate::domain::unmatched::new_item_account;
use crate::quickbooks::entities::DocType;
use crate::settings::Settings;
use crate::{App, AppError};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

/// Where a draft starts (I3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Record,
    Quote(String),
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
    let catalog = catalog::catalog(app, &company, Utc::now()).await?;
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
    let create_items = new_item_account(&settings, realm_id).is_some();
    let customer = async {
        let person = source::person_of(&hs, record.object_type.as_str(), &record.object_id).await?;
        let matched = match &person {
            Some(p) => find_customer(app, &company, p).await?.unzip(),
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

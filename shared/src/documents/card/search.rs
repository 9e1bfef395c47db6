//! The card's searches in a QuickBooks company: customers and items for the create wizard, invoices to
//! link (I10).

use crate::documents::company::Company;
use crate::documents::view::DocumentView;
use crate::domain::snapshot::Snapshot;
use crate::quickbooks::api::quoted;
use crate::quickbooks::entities::{Customer, DocType, Document, Item};
use crate::{App, AppError};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

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

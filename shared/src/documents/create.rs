//! Creating a sales document in QuickBooks for a HubSpot record (I3–I8, I13, B1–B3, B6, W1–W6): the
//! customer (chosen, matched or created), the document, the payment of a paid invoice, and the links.
//! Every write carries a `requestid` of the run, so a repeat of a run never writes twice.

use super::company::Company;
use super::items::{create_item, NewItemLine};
use super::links::{Link, Record};
use super::once::request_id;
use crate::domain::draft::{check_text, Draft, DraftError};
use crate::domain::matching::{
    clean_name, match_customer, unique_display_name, MatchedBy, PersonHint,
};
use crate::domain::snapshot::Snapshot;
use crate::quickbooks::api::quoted;
use crate::quickbooks::entities::{amount, Customer, DocType, Document};
use crate::{App, AppError, ErrorCode};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Who the document is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CustomerChoice {
    /// A QuickBooks customer the user picked.
    Existing { id: String },
    /// A new QuickBooks customer (a taken display name gets a suffix, B3).
    New(NewCustomer),
    /// The customer matching this person, created when none does and `create` allows it (W4).
    Match { person: PersonHint, create: bool },
}

impl CustomerChoice {
    /// The names and e-mail that go to QuickBooks (as a new customer, or in the queries that match one)
    /// carry no control characters; tabs and line breaks in names become spaces (`clean_name`).
    fn check_text(&self) -> Result<(), DraftError> {
        let fields: Vec<(&str, Option<&str>)> = match self {
            CustomerChoice::Existing { .. } => Vec::new(),
            CustomerChoice::New(new) => vec![
                (
                    "the customer's display name",
                    Some(new.display_name.as_str()),
                ),
                ("the customer's first name", new.given_name.as_deref()),
                ("the customer's last name", new.family_name.as_deref()),
                ("the customer's company name", new.company_name.as_deref()),
                ("the customer's e-mail", new.email.as_deref()),
            ],
            CustomerChoice::Match { person, .. } => vec![
                ("the contact's first name", person.first_name.as_deref()),
                ("the contact's last name", person.last_name.as_deref()),
                ("the contact's e-mail", person.email.as_deref()),
                ("the company's name", person.company_name.as_deref()),
            ],
        };
        fields
            .into_iter()
            .filter_map(|(field, value)| Some((field, value?)))
            .try_for_each(|(field, value)| check_text(field, value))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCustomer {
    pub display_name: String,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl NewCustomer {
    pub fn from_person(person: &PersonHint) -> Option<Self> {
        Some(Self {
            display_name: person.display_name()?,
            given_name: person.first_name.clone(),
            family_name: person.last_name.clone(),
            company_name: person.company_name.clone(),
            email: person.email.clone(),
        })
    }
}

/// A document to create and the records to link it to.
pub struct Order<'a> {
    pub company: &'a Company,
    pub draft: Draft,
    pub customer: CustomerChoice,
    pub link_to: Vec<Record>,
    /// Lines whose QuickBooks item is created first (B4); their `item_id` is filled in then.
    pub new_items: Vec<NewItemLine>,
    /// W6: record the invoice as paid with a payment for its total.
    pub paid: bool,
    /// The run's scope of request ids (the idempotency key, or the workflow's `callbackId`).
    pub scope: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Created {
    pub snapshot: Snapshot,
    pub customer_created: bool,
    pub payment_id: Option<String>,
}

/// How many times a new customer's name is made unique again when another writer took it meanwhile.
const NAME_ATTEMPTS: usize = 3;

pub async fn create(app: &App, portal_id: u64, order: Order<'_>) -> Result<Created, AppError> {
    let company = order.company;
    let profile = &company.connection.profile;
    let realm = company.realm_id();
    let api = company.api(app);
    let rid = |step: &str| request_id(portal_id, realm, &order.scope, step);
    // Check the draft before anything is written: a refused draft must not leave a new customer behind.
    order.draft.body("0", profile)?;
    order.customer.check_text()?;
    for new in &order.new_items {
        new.check(order.draft.lines.len())?;
    }

    let (customer_id, customer_created) = match &order.customer {
        CustomerChoice::Existing { id } => (id.clone(), false),
        CustomerChoice::New(new) => (create_customer(app, company, new, &rid).await?, true),
        CustomerChoice::Match { person, create } => {
            match find_customer(app, company, person).await? {
                Some((found, _)) => (found.id, false),
                None if *create => {
                    let new = NewCustomer::from_person(person).ok_or_else(|| {
                        AppError::refused(
                            ErrorCode::NoContact,
                            "the contact has no name or company to create a QuickBooks customer from",
                        )
                    })?;
                    (create_customer(app, company, &new, &rid).await?, true)
                }
                None => {
                    return Err(AppError::refused(
                        ErrorCode::CustomerNotFound,
                        format!(
                            "no QuickBooks customer matches {} and creating customers is switched off in the app settings",
                            person.email.as_deref().or(person.full_name().as_deref()).unwrap_or("the contact")
                        ),
                    ))
                }
            }
        }
    };

    // After the customer, so a refused customer leaves no new item behind.
    let mut draft = order.draft;
    for new in &order.new_items {
        let Some(line) = draft.lines.get_mut(new.line) else {
            continue; // `check` refused it above
        };
        let step = format!("item-{}", new.line);
        line.item_id = create_item(app, company, new, line.unit_price, &rid(&step)).await?;
    }
    if !order.new_items.is_empty() {
        super::catalog::forget(app, company).await;
    }
    let doc_type = draft.doc_type;
    let body = draft.body(&customer_id, profile)?;
    let created = api
        .write::<Document>(doc_type.path(), doc_type.entity(), &body, &rid("document"))
        .await?;
    let fetched_at = Utc::now();
    let company_time = created.time.unwrap_or_else(|| fetched_at.fixed_offset());
    let mut document = created.value;

    let mut payment_id = None;
    if order.paid && doc_type == DocType::Invoice && document.total > rust_decimal::Decimal::ZERO {
        let payment = json!({
            "CustomerRef": { "value": customer_id },
            "TotalAmt": amount(document.total),
            "Line": [{
                "Amount": amount(document.total),
                "LinkedTxn": [{ "TxnId": document.id, "TxnType": "Invoice" }],
            }],
        });
        let paid = api
            .write::<serde_json::Value>("payment", "Payment", &payment, &rid("payment"))
            .await?;
        payment_id = paid
            .value
            .get("Id")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        // The invoice's balance is now zero; QuickBooks derives it from the payment.
        document.balance = Some(rust_decimal::Decimal::ZERO);
    }

    let mut snapshot = Snapshot::of(
        realm,
        doc_type,
        &document,
        &profile.home_currency,
        company_time,
        fetched_at,
    );
    snapshot.payment_ids.extend(payment_id.clone());
    for record in &order.link_to {
        Link {
            portal_id,
            record: record.clone(),
            snapshot: snapshot.clone(),
            linked_at: fetched_at,
        }
        .save(&app.store)
        .await?;
    }
    Ok(Created {
        snapshot,
        customer_created,
        payment_id,
    })
}

/// The customer matching a person, and how: by e-mail first, then by name (I4, W4).
pub async fn find_customer(
    app: &App,
    company: &Company,
    person: &PersonHint,
) -> Result<Option<(Customer, MatchedBy)>, AppError> {
    let api = company.api(app);
    let currency = &company.connection.profile.home_currency;
    let mut candidates: Vec<Customer> = Vec::new();
    if let Some(email) = person.email.as_deref().filter(|e| !e.trim().is_empty()) {
        candidates = api
            .query(
                "Customer",
                &format!("WHERE PrimaryEmailAddr = {}", quoted(email.trim())),
            )
            .await?
            .value;
        if let Some((found, how)) = match_customer(person, &candidates, currency) {
            return Ok(Some((found.clone(), how)));
        }
    }
    if let (Some(first), Some(last)) = (&person.first_name, &person.last_name) {
        candidates.extend(
            api.query::<Customer>(
                "Customer",
                &format!(
                    "WHERE GivenName = {} AND FamilyName = {}",
                    quoted(first.trim()),
                    quoted(last.trim())
                ),
            )
            .await?
            .value,
        );
    }
    for name in [person.full_name(), person.company_name.clone()]
        .into_iter()
        .flatten()
    {
        candidates.extend(
            api.query::<Customer>(
                "Customer",
                &format!("WHERE DisplayName = {}", quoted(name.trim())),
            )
            .await?
            .value,
        );
    }
    Ok(match_customer(person, &candidates, currency).map(|(c, how)| (c.clone(), how)))
}

/// Creates a customer under a display name no other customer has (B3).
async fn create_customer(
    app: &App,
    company: &Company,
    new: &NewCustomer,
    rid: &impl Fn(&str) -> String,
) -> Result<String, AppError> {
    let api = company.api(app);
    let wanted = clean_name(&new.display_name);
    if wanted.is_empty() {
        return Err(AppError::BadRequest(
            "the new customer needs a display name".into(),
        ));
    }
    // Inactive customers keep their names too.
    let taken: Vec<String> = api
        .query::<Customer>(
            "Customer",
            &format!(
                "WHERE Active IN (true,false) AND DisplayName LIKE {} MAXRESULTS 1000",
                quoted(&format!("{wanted}%"))
            ),
        )
        .await?
        .value
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    let mut taken = taken;
    for attempt in 1..=NAME_ATTEMPTS {
        let name = unique_display_name(&wanted, &taken);
        let mut body = json!({ "DisplayName": name });
        for (field, value) in [
            ("GivenName", &new.given_name),
            ("FamilyName", &new.family_name),
            ("CompanyName", &new.company_name),
        ] {
            if let Some(v) = value.as_deref().map(clean_name).filter(|v| !v.is_empty()) {
                body[field] = json!(v);
            }
        }
        if let Some(email) = new
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            body["PrimaryEmailAddr"] = json!({ "Address": email });
        }
        match api
            .write::<Customer>(
                "customer",
                "Customer",
                &body,
                &rid(&format!("customer-{attempt}")),
            )
            .await
        {
            Ok(created) => return Ok(created.value.id),
            // Someone took the name between our query and our write: next suffix.
            Err(e) if e.kind() == crate::quickbooks::FaultKind::DuplicateName => taken.push(name),
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::refused(
        ErrorCode::Rejected,
        format!("QuickBooks kept refusing a display name for {wanted}; try again"),
    ))
}

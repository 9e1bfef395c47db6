//! Drafting a QuickBooks sales document from what HubSpot knows (I3–I8, I13, W4–W6, B1, B3): matching
//! line items to QuickBooks items and a contact to a customer, the tax rule per company, document numbers,
//! and the JSON body QuickBooks takes. Pure: the card and the workflow actions share it.

use super::money::{self, MAX_AMOUNT};
// The lines a draft is made from are defined with their pricing, which reads them without knowing drafts.
pub use super::pricing::SourceLine;
use super::text::{code_point, control_character};
use crate::quickbooks::entities::{amount, Customer, DocType, Item};
use crate::quickbooks::CompanyProfile;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use thiserror::Error;

fn same_text(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The QuickBooks item for a HubSpot line: same SKU first (SKUs are what both sides agree on), then the
/// same name. Case and surrounding blanks never matter.
pub fn match_item<'a>(line: &SourceLine, items: &'a [Item]) -> Option<&'a Item> {
    let by_sku = line
        .sku
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|sku| {
            items
                .iter()
                .find(|i| i.sku.as_deref().is_some_and(|s| same_text(s, sku)))
        });
    by_sku.or_else(|| items.iter().find(|i| same_text(&i.name, &line.name)))
}

/// Who the document is for, as HubSpot knows them: the record's contact and company.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonHint {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company_name: Option<String>,
}

impl PersonHint {
    pub fn full_name(&self) -> Option<String> {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!name.is_empty()).then_some(name)
    }

    /// The display name a new customer gets: the company, else the person.
    pub fn display_name(&self) -> Option<String> {
        self.company_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| self.full_name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Email,
    Name,
}

/// The QuickBooks customer for a contact: the same e-mail first (I4, W4), then the same first and last
/// name, then a display name equal to the person's or the company's name. With several per-currency
/// customers (B6) the one in `currency` wins among equals.
pub fn match_customer<'a>(
    hint: &PersonHint,
    customers: &'a [Customer],
    currency: &str,
) -> Option<(&'a Customer, MatchedBy)> {
    let prefer_currency = |found: Vec<&'a Customer>| -> Option<&'a Customer> {
        found
            .iter()
            .find(|c| c.currency.as_ref().is_some_and(|r| r.value == currency))
            .or(found.first())
            .copied()
    };
    if let Some(email) = hint.email.as_deref().filter(|e| !e.trim().is_empty()) {
        let found: Vec<_> = customers
            .iter()
            .filter(|c| c.email().is_some_and(|e| same_text(e, email)))
            .collect();
        if let Some(c) = prefer_currency(found) {
            return Some((c, MatchedBy::Email));
        }
    }
    let names: Vec<String> = [hint.full_name(), hint.company_name.clone()]
        .into_iter()
        .flatten()
        .filter(|n| !n.trim().is_empty())
        .collect();
    let found: Vec<_> = customers
        .iter()
        .filter(|c| {
            let given_family = match (
                &c.given_name,
                &c.family_name,
                &hint.first_name,
                &hint.last_name,
            ) {
                (Some(g), Some(f), Some(hg), Some(hf)) => same_text(g, hg) && same_text(f, hf),
                _ => false,
            };
            given_family || names.iter().any(|n| same_text(&c.display_name, n))
        })
        .collect();
    prefer_currency(found).map(|c| (c, MatchedBy::Name))
}

/// QuickBooks refuses `:`, tabs and newlines in names (quickbooks-api.md §2) and caps them at 100 characters.
pub fn clean_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, ':' | '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    words.join(" ").chars().take(100).collect()
}

/// A display name no existing customer has (B3): `Acme Ltd`, else `Acme Ltd (2)`, `(3)`, … QuickBooks
/// compares names case-insensitively.
pub fn unique_display_name(wanted: &str, taken: &[String]) -> String {
    let wanted = clean_name(wanted);
    let is_taken = |n: &str| taken.iter().any(|t| same_text(t, n));
    if !is_taken(&wanted) {
        return wanted;
    }
    (2..)
        .map(|i| format!("{wanted} ({i})"))
        .find(|n| !is_taken(n))
        .expect("an unbounded range always yields a free name")
}

/// QuickBooks takes document numbers of at most 21 characters (quickbooks-api.md §2).
const DOC_NUMBER_MAX_CHARS: usize = 21;
/// The longest trailing number a document number may have. Numbers are compared and incremented as digit
/// strings here, so nothing overflows; but a number beyond a 64-bit integer breaks whatever reads invoice
/// numbers as integers (the QuickBooks simulator's numbering crashed on `18446744073709551615` + 1), and
/// nobody means one. With at most 18 digits a number and its successor always fit.
const DOC_NUMBER_MAX_DIGITS: usize = 18;

/// A document number's prefix and trailing number (`MC-0007` → `MC-`, `0007`).
fn split_number(n: &str) -> (&str, &str) {
    let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    n.split_at(n.len() - digits)
}

/// Why a document number cannot be used, if it cannot.
pub fn doc_number_problem(number: &str) -> Option<DraftError> {
    if number.chars().count() > DOC_NUMBER_MAX_CHARS {
        return Some(DraftError::DocNumberTooLong);
    }
    if let Err(e) = check_line("the document number", number) {
        return Some(e);
    }
    (split_number(number).1.len() > DOC_NUMBER_MAX_DIGITS).then_some(DraftError::DocNumberTooBig)
}

/// A digit string plus one, as digits (`0099` → `0100`, `99` → `100`): no integer type to overflow.
fn increment(digits: &str) -> String {
    let mut out: Vec<char> = digits.chars().collect();
    for d in out.iter_mut().rev() {
        match d.to_digit(10) {
            Some(9) => *d = '0',
            Some(n) => {
                *d = char::from_digit(n + 1, 10).unwrap_or('0');
                return out.into_iter().collect();
            }
            None => break,
        }
    }
    std::iter::once('1').chain(out).collect()
}

/// The next document number after the company's most recent ones (I13, custom transaction numbers):
/// the highest trailing number plus one, keeping prefix and zero padding (`MC-0007` → `MC-0008`). Numbers
/// whose successor would not be a valid document number are skipped.
pub fn next_doc_number<'a>(recent: impl IntoIterator<Item = &'a str>) -> Option<String> {
    recent
        .into_iter()
        .filter_map(|n| {
            let (prefix, number) = split_number(n);
            if number.is_empty() {
                return None;
            }
            let next = format!("{prefix}{}", increment(number));
            // Compared by value: without leading zeros, a longer digit string is a larger number.
            let value = number.trim_start_matches('0').to_string();
            doc_number_problem(&next)
                .is_none()
                .then_some(((value.len(), value), next))
        })
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, next)| next)
}

/// One line of the document to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftLine {
    pub item_id: String,
    #[serde(default)]
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    #[serde(default)]
    pub service_date: Option<NaiveDate>,
    #[serde(default)]
    pub tax_code_id: Option<String>,
}

/// Everything but the customer, which may still have to be created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub doc_type: DocType,
    pub lines: Vec<DraftLine>,
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
}

#[derive(Debug, Error, PartialEq)]
pub enum DraftError {
    #[error("the document has no lines; add at least one product")]
    NoLines,
    #[error("line {line}: choose a tax code (QuickBooks needs one on every line outside the US)")]
    TaxCodeRequired { line: usize },
    #[error("line {line}: the quantity must not be zero and the price must not be negative")]
    BadAmount { line: usize },
    #[error(
        "line {line}: the quantity, unit price or amount is out of range (at most {MAX_AMOUNT})"
    )]
    AmountOutOfRange { line: usize },
    #[error("the document's total is out of range (at most {MAX_AMOUNT})")]
    TotalOutOfRange,
    #[error("the document number may have at most 21 characters")]
    DocNumberTooLong,
    #[error("the document number may end in at most 18 digits")]
    DocNumberTooBig,
    #[error("{field} contains a control character ({code_point}); remove it")]
    ControlCharacter { field: String, code_point: String },
    #[error("the due date is before the invoice date")]
    DueBeforeDate,
    #[error("the message to the customer may have at most 1000 characters")]
    MessageTooLong,
}

impl From<DraftError> for crate::error::AppError {
    fn from(e: DraftError) -> Self {
        use crate::error::ErrorCode;
        let code = match e {
            DraftError::TaxCodeRequired { .. } => ErrorCode::TaxCodeRequired,
            DraftError::NoLines => ErrorCode::NoLineItems,
            DraftError::AmountOutOfRange { .. } | DraftError::TotalOutOfRange => {
                ErrorCode::AmountOutOfRange
            }
            DraftError::ControlCharacter { .. } => ErrorCode::InvalidText,
            _ => ErrorCode::BadRequest,
        };
        crate::error::AppError::refused(code, e.to_string())
    }
}

impl Draft {
    /// The body QuickBooks takes to create this document for `customer_id`, checked against the company's
    /// rules first so the user gets a precise message instead of QuickBooks' generic 6000.
    pub fn body(&self, customer_id: &str, profile: &CompanyProfile) -> Result<Value, DraftError> {
        if self.lines.is_empty() {
            return Err(DraftError::NoLines);
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        let mut amounts = Vec::with_capacity(self.lines.len());
        for (n, line) in self.lines.iter().enumerate() {
            let number = n + 1;
            if line.quantity.is_zero() || line.unit_price.is_sign_negative() {
                return Err(DraftError::BadAmount { line: number });
            }
            // QuickBooks wants `Amount` = `Qty × UnitPrice` to the cent (error 6070).
            let line_amount = money::line_amount(line.quantity, line.unit_price)
                .ok_or(DraftError::AmountOutOfRange { line: number })?;
            amounts.push(line_amount);
            let mut detail = json!({
                "ItemRef": { "value": line.item_id },
                "Qty": amount_exact(line.quantity),
                "UnitPrice": amount_exact(line.unit_price),
            });
            if let Some(date) = line.service_date {
                detail["ServiceDate"] = json!(date.to_string());
            }
            // US companies: QuickBooks' automated sales tax decides (I6); elsewhere every line names a code.
            match (&line.tax_code_id, profile.line_tax_codes_required) {
                (Some(code), true) => detail["TaxCodeRef"] = json!({ "value": code }),
                (None, true) => return Err(DraftError::TaxCodeRequired { line: number }),
                (_, false) => {}
            }
            let mut row = json!({
                "DetailType": "SalesItemLineDetail",
                "Amount": amount(line_amount),
                "SalesItemLineDetail": detail,
            });
            if let Some(text) = line.description.as_deref().filter(|d| !d.trim().is_empty()) {
                check_text(&format!("line {number}'s description"), text)?;
                row["Description"] = json!(text.trim());
            }
            lines.push(row);
        }
        money::sum(amounts)
            .filter(|total| money::in_range(*total))
            .ok_or(DraftError::TotalOutOfRange)?;
        let mut body = Map::new();
        body.insert("CustomerRef".into(), json!({ "value": customer_id }));
        body.insert("Line".into(), Value::Array(lines));
        // Created unsent (I8): nothing is e-mailed unless the user sends it.
        body.insert("EmailStatus".into(), json!("NotSet"));
        if profile.line_tax_codes_required {
            body.insert("GlobalTaxCalculation".into(), json!("TaxExcluded"));
        }
        if let Some(date) = self.txn_date {
            body.insert("TxnDate".into(), json!(date.to_string()));
        }
        if self.doc_type == DocType::Invoice {
            if let Some(due) = self.due_date {
                if self.txn_date.is_some_and(|d| due < d) {
                    return Err(DraftError::DueBeforeDate);
                }
                body.insert("DueDate".into(), json!(due.to_string()));
            }
            if let Some(term) = &self.term_id {
                body.insert("SalesTermRef".into(), json!({ "value": term }));
            }
        }
        if let Some(message) = self.message.as_deref().filter(|m| !m.trim().is_empty()) {
            if message.chars().count() > 1000 {
                return Err(DraftError::MessageTooLong);
            }
            check_text("the message to the customer", message)?;
            body.insert("CustomerMemo".into(), json!({ "value": message.trim() }));
        }
        // Without a number QuickBooks numbers the document (custom numbers off), or the caller proposed one.
        if let Some(number) = self
            .doc_number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            if let Some(problem) = doc_number_problem(number) {
                return Err(problem);
            }
            body.insert("DocNumber".into(), json!(number));
        }
        Ok(Value::Object(body))
    }
}

/// Refuses text with a control character other than a line break or a tab (domain/text.rs).
pub fn check_text(field: &str, text: &str) -> Result<(), DraftError> {
    refuse(field, control_character(text))
}

/// Refuses a one-line value (a document number, a SKU) with any control character, line breaks included.
pub fn check_line(field: &str, text: &str) -> Result<(), DraftError> {
    refuse(field, text.chars().find(|c| c.is_control()))
}

fn refuse(field: &str, found: Option<char>) -> Result<(), DraftError> {
    match found {
        Some(c) => Err(DraftError::ControlCharacter {
            field: field.to_string(),
            code_point: code_point(c),
        }),
        None => Ok(()),
    }
}

/// Quantities and unit prices keep their precision (QuickBooks takes up to 7 decimals on unit prices).
fn amount_exact(d: Decimal) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    json!(d.normalize().to_f64().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn item(id: &str, name: &str, sku: Option<&str>) -> Item {
        serde_json::from_value(json!({ "Id": id, "Name": name, "Sku": sku })).unwrap()
    }

    fn customer(id: &str, display: &str, email: Option<&str>, currency: &str) -> Customer {
        serde_json::from_value(json!({
            "Id": id, "DisplayName": display, "PrimaryEmailAddr": email.map(|e| json!({ "Address": e })),
            "CurrencyRef": { "value": currency }, "GivenName": "Ada", "FamilyName": "Lovelace",
        }))
        .unwrap()
    }

    fn line(name: &str, sku: Option<&str>) -> SourceLine {
        SourceLine {
            name: name.into(),
            sku: sku.map(Into::into),
            description: None,
            quantity: dec!(1),
            unit_price: dec!(10),
            amount: None,
            discount: None,
        }
    }

    fn profile(us: bool) -> CompanyProfile {
        CompanyProfile {
            name: "Co".into(),
            country: if us { "US" } else { "GB" }.into(),
            home_currency: if us { "USD" } else { "GBP" }.into(),
            multi_currency: false,
            custom_txn_numbers: false,
            line_tax_codes_required: !us,
        }
    }

    #[test]
    fn items_match_by_sku_then_name() {
        let items = [
            item("1", "Consulting hours", Some("SVC-CONSULT")),
            item("2", "Widget", None),
        ];
        assert_eq!(
            match_item(&line("Other name", Some(" svc-consult ")), &items)
                .unwrap()
                .id,
            "1"
        );
        assert_eq!(
            match_item(&line("widget", Some("UNKNOWN")), &items)
                .unwrap()
                .id,
            "2"
        );
        assert_eq!(
            match_item(&line("widget", Some("")), &items).unwrap().id,
            "2"
        );
        assert!(match_item(&line("Mystery box", Some("NO-MATCH-1")), &items).is_none());
    }

    #[test]
    fn customers_match_by_email_first_then_name_preferring_the_currency() {
        let customers = [
            customer("58", "Acme Ltd", Some("billing@acme.example"), "USD"),
            customer("59", "Acme Ltd.", Some("ap@acme.example"), "USD"),
            customer("21", "Northwind (CAD)", Some("ap@northwind.example"), "CAD"),
            customer("22", "Northwind (USD)", Some("ap@northwind.example"), "USD"),
        ];
        let by_email = PersonHint {
            email: Some("AP@acme.example".into()),
            ..Default::default()
        };
        let (c, how) = match_customer(&by_email, &customers, "USD").unwrap();
        assert_eq!((c.id.as_str(), how), ("59", MatchedBy::Email));
        let per_currency = PersonHint {
            email: Some("ap@northwind.example".into()),
            ..Default::default()
        };
        assert_eq!(
            match_customer(&per_currency, &customers, "USD")
                .unwrap()
                .0
                .id,
            "22"
        );
        assert_eq!(
            match_customer(&per_currency, &customers, "CAD")
                .unwrap()
                .0
                .id,
            "21"
        );
        let by_company = PersonHint {
            email: Some("nobody@else.example".into()),
            company_name: Some("acme ltd".into()),
            ..Default::default()
        };
        let (found, how) = match_customer(&by_company, &customers, "USD").unwrap();
        assert_eq!((found.id.as_str(), how), ("58", MatchedBy::Name));
        let stranger = PersonHint {
            first_name: Some("New".into()),
            last_name: Some("Customer".into()),
            email: Some("new@example.com".into()),
            company_name: None,
        };
        assert!(match_customer(&stranger, &customers, "USD").is_none());
        let same_person = PersonHint {
            first_name: Some("ada".into()),
            last_name: Some("LOVELACE".into()),
            ..Default::default()
        };
        assert_eq!(
            match_customer(&same_person, &customers, "USD").unwrap().1,
            MatchedBy::Name
        );
    }

    #[test]
    fn display_names_never_collide() {
        let taken = vec!["Acme Ltd".to_string(), "acme ltd (2)".to_string()];
        assert_eq!(unique_display_name("Acme Ltd", &taken), "Acme Ltd (3)");
        assert_eq!(unique_display_name("Acme Ltd.", &taken), "Acme Ltd.");
        assert_eq!(unique_display_name("Bad:\tname\n", &[]), "Bad name");
        assert_eq!(clean_name(&"x".repeat(150)).len(), 100);
    }

    #[test]
    fn next_numbers_keep_prefix_and_padding() {
        assert_eq!(
            next_doc_number(["MC-0007", "MC-0003"]).as_deref(),
            Some("MC-0008")
        );
        assert_eq!(next_doc_number(["1009", "998"]).as_deref(), Some("1010"));
        assert_eq!(next_doc_number(["INV-099"]).as_deref(), Some("INV-100"));
        assert_eq!(next_doc_number(["no digits"]), None);
        assert_eq!(next_doc_number([]), None);
        assert_eq!(
            next_doc_number(["A-99", "A-0100"]).as_deref(),
            Some("A-0101")
        );
    }

    #[test]
    fn next_numbers_never_overflow_and_skip_numbers_without_a_valid_successor() {
        assert_eq!(
            next_doc_number(["18446744073709551615", "1009"]).as_deref(),
            Some("1010")
        );
        assert_eq!(
            next_doc_number(["999999999999999998"]).as_deref(),
            Some("999999999999999999")
        );
        assert_eq!(next_doc_number(["999999999999999999"]), None);
        assert_eq!(
            next_doc_number(["INV-9999999999999999"]).as_deref(),
            Some("INV-10000000000000000")
        );
        assert_eq!(
            next_doc_number(["ABCDEFGHIJKLMNOPQRS99"]),
            None,
            "22 characters"
        );
        assert_eq!(
            doc_number_problem("18446744073709551615"),
            Some(DraftError::DocNumberTooBig)
        );
        assert_eq!(
            doc_number_problem("INV-000000000000000001"),
            Some(DraftError::DocNumberTooLong)
        );
        assert!(matches!(
            doc_number_problem("MC-\u{0}7"),
            Some(DraftError::ControlCharacter { .. })
        ));
        assert_eq!(doc_number_problem("MC-0008"), None);
    }

    fn draft(tax: Option<&str>) -> Draft {
        Draft {
            doc_type: DocType::Invoice,
            lines: vec![DraftLine {
                item_id: "1".into(),
                description: Some("Consulting".into()),
                quantity: dec!(3),
                unit_price: dec!(33.335),
                service_date: NaiveDate::from_ymd_opt(2026, 11, 20),
                tax_code_id: tax.map(Into::into),
            }],
            term_id: Some("3".into()),
            txn_date: NaiveDate::from_ymd_opt(2026, 11, 22),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 22),
            message: Some("Thank you".into()),
            doc_number: None,
        }
    }

    #[test]
    fn us_bodies_carry_no_tax_codes_and_amounts_to_the_cent() {
        let body = draft(Some("2")).body("58", &profile(true)).unwrap();
        let line = &body["Line"][0];
        assert_eq!(line["Amount"], json!(100.01));
        assert!(line["SalesItemLineDetail"].get("TaxCodeRef").is_none());
        assert_eq!(line["SalesItemLineDetail"]["ServiceDate"], "2026-11-20");
        assert_eq!(body["EmailStatus"], "NotSet");
        assert_eq!(body["DueDate"], "2026-12-22");
        assert_eq!(body["SalesTermRef"]["value"], "3");
        assert_eq!(body["CustomerMemo"]["value"], "Thank you");
        assert!(body.get("DocNumber").is_none());
        assert!(body.get("GlobalTaxCalculation").is_none());
    }

    #[test]
    fn non_us_bodies_need_a_code_on_every_line() {
        assert_eq!(
            draft(None).body("7", &profile(false)),
            Err(DraftError::TaxCodeRequired { line: 1 })
        );
        let body = draft(Some("2")).body("7", &profile(false)).unwrap();
        assert_eq!(
            body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"]["value"],
            "2"
        );
        assert_eq!(body["GlobalTaxCalculation"], "TaxExcluded");
    }

    #[test]
    fn bad_drafts_are_refused_with_the_reason() {
        let mut d = draft(None);
        d.lines.clear();
        assert_eq!(d.body("58", &profile(true)), Err(DraftError::NoLines));
        let mut d = draft(None);
        d.lines[0].quantity = Decimal::ZERO;
        assert_eq!(
            d.body("58", &profile(true)),
            Err(DraftError::BadAmount { line: 1 })
        );
        let mut d = draft(None);
        d.doc_number = Some("X".repeat(22));
        assert_eq!(
            d.body("58", &profile(true)),
            Err(DraftError::DocNumberTooLong)
        );
        let mut d = draft(None);
        d.due_date = NaiveDate::from_ymd_opt(2026, 11, 1);
        assert_eq!(d.body("58", &profile(true)), Err(DraftError::DueBeforeDate));
        let mut d = draft(None);
        d.lines[0].quantity = Decimal::MAX;
        assert_eq!(
            d.body("58", &profile(true)),
            Err(DraftError::AmountOutOfRange { line: 1 })
        );
        let mut d = draft(None);
        d.lines[0].unit_price = dec!(5000000000000);
        d.lines.push(d.lines[0].clone());
        d.lines[0].quantity = dec!(1);
        d.lines[1].quantity = dec!(1);
        assert_eq!(
            d.body("58", &profile(true)),
            Err(DraftError::TotalOutOfRange)
        );
        let mut d = draft(None);
        d.message = Some("Thanks\0".into());
        assert!(matches!(
            d.body("58", &profile(true)),
            Err(DraftError::ControlCharacter { field, .. }) if field == "the message to the customer"
        ));
        let mut d = draft(None);
        d.lines[0].description = Some("Two\nlines\u{7}".into());
        assert!(matches!(
            d.body("58", &profile(true)),
            Err(DraftError::ControlCharacter { field, code_point }) if field == "line 1's description" && code_point == "U+0007"
        ));
        let mut d = draft(None);
        d.lines[0].description = Some("Two\nlines".into());
        assert!(d.body("58", &profile(true)).is_ok(), "line breaks are text");
        let mut d = draft(None);
        d.doc_number = Some("18446744073709551615".into());
        assert_eq!(
            d.body("58", &profile(true)),
            Err(DraftError::DocNumberTooBig)
        );
        let mut d = draft(None);
        d.doc_type = DocType::Estimate;
        d.doc_number = Some(" E-1 ".into());
        let body = d.body("58", &profile(true)).unwrap();
        assert!(body.get("DueDate").is_none());
        assert_eq!(body["DocNumber"], "E-1");
    }
}

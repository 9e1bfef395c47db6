//! Drafting a QuickBooks sales document (I3–I8, B1): the lines and document a card or a workflow drafts,
//! the tax rule per company, and the JSON body QuickBooks takes, checked first so the user gets a precise
//! reason. Pure: the card and the workflow actions share it. Matching lines and contacts is in
//! `matching.rs`, document numbers in `doc_number.rs`.

use super::doc_number::{self, Problem};
use super::money::{self, MAX_AMOUNT};
// The lines a draft is made from are defined with their pricing, which reads them without knowing drafts.
pub use super::pricing::SourceLine;
use super::text::{code_point, control_character, line_control_character};
use crate::quickbooks::entities::{amount, DocType};
use crate::quickbooks::wire;
use crate::quickbooks::CompanyProfile;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use thiserror::Error;

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

/// Why a document number cannot be used, if it cannot (doc_number.rs), as the draft refuses it.
pub fn doc_number_problem(number: &str) -> Option<DraftError> {
    doc_number::problem(number).map(|problem| match problem {
        Problem::TooLong => DraftError::DocNumberTooLong,
        Problem::TooBig => DraftError::DocNumberTooBig,
        Problem::ControlCharacter(c) => DraftError::control_character("the document number", c),
    })
}

/// Refuses text with a control character other than a line break or a tab (domain/text.rs).
pub fn check_text(field: &str, text: &str) -> Result<(), DraftError> {
    refuse(field, control_character(text))
}

/// Refuses a one-line value (a SKU) with any control character, line breaks included.
pub fn check_line(field: &str, text: &str) -> Result<(), DraftError> {
    refuse(field, line_control_character(text))
}

fn refuse(field: &str, found: Option<char>) -> Result<(), DraftError> {
    found.map_or(Ok(()), |c| Err(DraftError::control_character(field, c)))
}

impl DraftError {
    fn control_character(field: &str, c: char) -> Self {
        DraftError::ControlCharacter {
            field: field.to_string(),
            code_point: code_point(c),
        }
    }
}

/// Quantities and unit prices keep their precision (QuickBooks takes up to 7 decimals on unit prices), on
/// the wire too: the decimal's own digits, never an `f64`'s (quickbooks/wire.rs).
fn amount_exact(d: Decimal) -> Value {
    wire::number(d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::profile;
    use rust_decimal_macros::dec;

    #[test]
    fn document_numbers_are_refused_with_the_drafts_reason() {
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

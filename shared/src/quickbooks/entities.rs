//! The QuickBooks entities we read, with only the fields we use (quickbooks-api.md §2). Unknown fields are
//! ignored; fields QuickBooks leaves out (empty arrays, unset dates) default.

use super::wire;
use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

/// The sales documents this integration creates and lists (I3, B2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    Invoice,
    Estimate,
    SalesReceipt,
}

impl DocType {
    /// The entity name in queries and envelopes (`Invoice`).
    pub fn entity(self) -> &'static str {
        match self {
            DocType::Invoice => "Invoice",
            DocType::Estimate => "Estimate",
            DocType::SalesReceipt => "SalesReceipt",
        }
    }

    /// The path segment of the entity's endpoint (`invoice`).
    pub fn path(self) -> &'static str {
        match self {
            DocType::Invoice => "invoice",
            DocType::Estimate => "estimate",
            DocType::SalesReceipt => "salesreceipt",
        }
    }

    /// Words for messages.
    pub fn noun(self) -> &'static str {
        match self {
            DocType::Invoice => "invoice",
            DocType::Estimate => "estimate",
            DocType::SalesReceipt => "sales receipt",
        }
    }

    pub const ALL: [DocType; 3] = [DocType::Invoice, DocType::Estimate, DocType::SalesReceipt];
}

/// `{"value": "58", "name": "Acme Ltd"}`; `value` is always a string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ref {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct MetaData {
    #[serde(rename = "LastUpdatedTime")]
    pub last_updated: Option<DateTime<FixedOffset>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EmailAddress {
    #[serde(rename = "Address", default)]
    pub address: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct LinkedTxn {
    #[serde(rename = "TxnId")]
    pub txn_id: String,
    #[serde(rename = "TxnType")]
    pub txn_type: String,
}

/// An invoice, estimate or sales receipt as QuickBooks returns it.
#[derive(Clone, Debug, Deserialize)]
pub struct Document {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "DocNumber", default)]
    pub doc_number: Option<String>,
    #[serde(rename = "TxnDate", default)]
    pub txn_date: Option<NaiveDate>,
    #[serde(rename = "DueDate", default)]
    pub due_date: Option<NaiveDate>,
    #[serde(rename = "TotalAmt", default, deserialize_with = "money")]
    pub total: Decimal,
    /// What is still owed; `None` when QuickBooks left it out or null (estimates have none): unknown, never
    /// read as 0, which would mean "paid in full".
    #[serde(rename = "Balance", default, deserialize_with = "money_if_given")]
    pub balance: Option<Decimal>,
    #[serde(rename = "CurrencyRef", default)]
    pub currency: Option<Ref>,
    #[serde(rename = "CustomerRef", default)]
    pub customer: Ref,
    #[serde(rename = "EmailStatus", default)]
    pub email_status: Option<String>,
    #[serde(rename = "PrivateNote", default)]
    pub private_note: Option<String>,
    #[serde(rename = "TxnStatus", default)]
    pub txn_status: Option<String>,
    #[serde(rename = "BillEmail", default)]
    pub bill_email: Option<EmailAddress>,
    #[serde(rename = "LinkedTxn", default)]
    pub linked: Vec<LinkedTxn>,
    #[serde(rename = "MetaData", default)]
    pub meta: MetaData,
    #[serde(rename = "TxnTaxDetail", default)]
    pub tax: TaxDetail,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TaxDetail {
    #[serde(rename = "TotalTax", default, deserialize_with = "money")]
    pub total_tax: Decimal,
}

impl Document {
    /// The total before tax (what deposit and balance invoices count, B9); `None` if it cannot be computed.
    pub fn subtotal(&self) -> Option<Decimal> {
        self.total.checked_sub(self.tax.total_tax)
    }

    /// A void zeroes the amounts and notes it (quickbooks-api.md §2, How "deleted" works); a document
    /// without a balance (an estimate) is judged by its total and note.
    pub fn is_voided(&self) -> bool {
        self.total.is_zero()
            && self.balance.is_none_or(|b| b.is_zero())
            && self
                .private_note
                .as_deref()
                .is_some_and(|n| n.contains("Voided"))
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Customer {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "DisplayName", default)]
    pub display_name: String,
    #[serde(rename = "GivenName", default)]
    pub given_name: Option<String>,
    #[serde(rename = "FamilyName", default)]
    pub family_name: Option<String>,
    #[serde(rename = "CompanyName", default)]
    pub company_name: Option<String>,
    #[serde(rename = "PrimaryEmailAddr", default)]
    pub email: Option<EmailAddress>,
    #[serde(rename = "CurrencyRef", default)]
    pub currency: Option<Ref>,
}

impl Customer {
    pub fn email(&self) -> Option<&str> {
        self.email.as_ref().and_then(|e| e.address.as_deref())
    }
}

// Serialize: the card keeps the company's catalogue briefly (documents/catalog.rs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Item {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Name", default)]
    pub name: String,
    #[serde(rename = "Sku", default)]
    pub sku: Option<String>,
    #[serde(rename = "UnitPrice", default, deserialize_with = "money")]
    pub unit_price: Decimal,
    #[serde(rename = "Taxable", default)]
    pub taxable: bool,
    #[serde(rename = "SalesTaxCodeRef", default)]
    pub sales_tax_code: Option<Ref>,
    /// Queries hide inactive items unless they filter on `Active`; an inactive one still holds its name.
    #[serde(rename = "Active", default = "active")]
    pub active: bool,
}

fn active() -> bool {
    true
}

/// A ledger account; items post their sales to an income account (`IncomeAccountRef`, B4).
#[derive(Clone, Debug, Deserialize)]
pub struct Account {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Name", default)]
    pub name: String,
}

// Serialize: the card keeps the company's catalogue briefly (documents/catalog.rs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TaxCode {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Name", default)]
    pub name: String,
    #[serde(rename = "Taxable", default)]
    pub taxable: Option<bool>,
}

// Serialize: the card keeps the company's catalogue briefly (documents/catalog.rs).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Term {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "Name", default)]
    pub name: String,
    #[serde(rename = "DueDays", default)]
    pub due_days: Option<i64>,
}

/// A payment received against invoices (quickbooks-api.md §2, Payment).
#[derive(Clone, Debug, Deserialize)]
pub struct Payment {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "TxnDate", default)]
    pub txn_date: Option<NaiveDate>,
    #[serde(rename = "CurrencyRef", default)]
    pub currency: Option<Ref>,
    #[serde(rename = "Line", default)]
    pub lines: Vec<PaymentLine>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PaymentLine {
    #[serde(rename = "Amount", default, deserialize_with = "money")]
    pub amount: Decimal,
    #[serde(rename = "LinkedTxn", default)]
    pub linked: Vec<LinkedTxn>,
}

impl Payment {
    /// How much of this payment went to one invoice; `None` if QuickBooks' amounts overflow a sum.
    pub fn applied_to(&self, invoice_id: &str) -> Option<Decimal> {
        crate::domain::money::sum(
            self.lines
                .iter()
                .filter(|l| {
                    l.linked
                        .iter()
                        .any(|t| t.txn_type == "Invoice" && t.txn_id == invoice_id)
                })
                .map(|l| l.amount),
        )
    }
}

/// Amounts arrive as `275`, `275.0` or `19.99` (quickbooks-api.md §2); `api.rs` reads answers with
/// `wire::parse`, so a fraction reaches us as its text, never through an `f64`. A missing or null amount is 0.
fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    money_if_given(d).map(Option::unwrap_or_default)
}

/// An amount that may be unknown: missing or null is `None`.
fn money_if_given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        value => wire::decimal(&value)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("an amount, not {value}"))),
    }
}

/// An amount as QuickBooks takes it: a JSON number, to the cent, with exactly the decimal's digits.
pub fn amount(d: Decimal) -> serde_json::Value {
    wire::number(crate::domain::money::to_cents(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn reads_amounts_exactly_in_every_shape() {
        let doc: Document = serde_json::from_str(
            r#"{"Id":"1","TotalAmt":19.99,"Balance":"5","CustomerRef":{"value":"58"},"MetaData":{"LastUpdatedTime":"2024-06-20T13:16:17-07:00"},"PrivateNote":null}"#,
        )
        .unwrap();
        assert_eq!(doc.total, dec!(19.99));
        assert_eq!(doc.balance, Some(dec!(5)));
        assert!(doc.meta.last_updated.is_some());
        assert_eq!(amount(dec!(19.99)).to_string(), "19.99");
        assert_eq!(amount(dec!(402.005)).to_string(), "402.01");
    }

    #[test]
    fn a_void_is_zero_amounts_and_the_note() {
        let voided: Document =
            serde_json::from_str(r#"{"Id":"1","TotalAmt":0,"Balance":0,"PrivateNote":"Voided"}"#)
                .unwrap();
        assert!(voided.is_voided());
        let free: Document =
            serde_json::from_str(r#"{"Id":"1","TotalAmt":0,"Balance":0}"#).unwrap();
        assert!(!free.is_voided());
    }
}

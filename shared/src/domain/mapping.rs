//! Field mappings (S1–S3): which QuickBooks field fills which HubSpot property, and how its value is
//! written. Pure: a record's JSON in, HubSpot property values out. The defaults here are what a portal gets
//! until its admin edits them (the settings issue makes them editable); they are data, not code, so a custom
//! mapping goes through exactly the same path.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;
use thiserror::Error;

/// HubSpot's limit for a string property (hubspot-api.md §5).
pub const MAX_TEXT: usize = 65_536;

/// The three kinds of QuickBooks record the sync carries into HubSpot, each into its own object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncObject {
    /// Customers into contacts (S1).
    Contacts,
    /// Items into products (S2).
    Products,
    /// Invoices into HubSpot's invoice object (S3).
    Invoices,
}

impl SyncObject {
    /// In the order a run applies them: invoices associate with the contacts of their customers.
    pub const ALL: [SyncObject; 3] = [
        SyncObject::Contacts,
        SyncObject::Products,
        SyncObject::Invoices,
    ];

    /// The QuickBooks entity read for it.
    pub fn entity(self) -> &'static str {
        match self {
            SyncObject::Contacts => "Customer",
            SyncObject::Products => "Item",
            SyncObject::Invoices => "Invoice",
        }
    }

    pub fn from_entity(entity: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.entity() == entity)
    }

    /// The HubSpot object type written.
    pub fn hubspot_object(self) -> &'static str {
        match self {
            SyncObject::Contacts => "contacts",
            SyncObject::Products => "products",
            SyncObject::Invoices => "invoices",
        }
    }

    /// The unique-value property that names a record's QuickBooks origin, `{realm}:{id}`: several companies
    /// can feed one portal, so the id alone would collide.
    pub fn key_property(self) -> &'static str {
        match self {
            SyncObject::Contacts => "qbo_customer_key",
            SyncObject::Products => "qbo_item_key",
            SyncObject::Invoices => "qbo_invoice_key",
        }
    }

    /// Customers and items are name lists: QuickBooks deactivates them instead of deleting them, and its
    /// queries hide inactive ones unless asked (quickbooks-api.md §2).
    pub fn is_name_list(self) -> bool {
        !matches!(self, SyncObject::Invoices)
    }
}

/// The value of a record's key property.
pub fn record_key(realm_id: &str, qbo_id: &str) -> String {
    format!("{realm_id}:{qbo_id}")
}

/// How a QuickBooks value is written into a HubSpot property of that type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Text,
    /// An exact decimal, written as its digits (no float in between).
    Number,
    /// A QuickBooks date (`YYYY-MM-DD`) as HubSpot's date: midnight UTC in epoch milliseconds.
    Date,
    /// `true` / `false`.
    Bool,
}

/// One mapping: the first non-empty of `sources` (dotted paths into the QuickBooks record, e.g.
/// `BillAddr.City`) fills `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub sources: Vec<String>,
    pub target: String,
    pub shape: Shape,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MappingError {
    #[error("{field} should be {expected} but QuickBooks sent {found}")]
    WrongType {
        field: String,
        expected: &'static str,
        found: String,
    },
    #[error("{field} is longer than HubSpot's {MAX_TEXT} characters")]
    TooLong { field: String },
}

fn mapping(sources: &[&str], target: &str, shape: Shape) -> Mapping {
    Mapping {
        sources: sources.iter().map(|s| s.to_string()).collect(),
        target: target.to_string(),
        shape,
    }
}

/// What a portal syncs until its admin changes it.
pub fn defaults(object: SyncObject) -> Vec<Mapping> {
    use Shape::*;
    match object {
        SyncObject::Contacts => vec![
            // A customer without a person's name still needs one on its contact.
            mapping(&["GivenName", "DisplayName"], "firstname", Text),
            mapping(&["FamilyName"], "lastname", Text),
            mapping(&["PrimaryEmailAddr.Address"], "email", Text),
            mapping(&["PrimaryPhone.FreeFormNumber"], "phone", Text),
            mapping(&["CompanyName"], "company", Text),
            mapping(&["BillAddr.Line1"], "address", Text),
            mapping(&["BillAddr.City"], "city", Text),
            mapping(&["BillAddr.CountrySubDivisionCode"], "state", Text),
            mapping(&["BillAddr.PostalCode"], "zip", Text),
            mapping(&["BillAddr.Country"], "country", Text),
            mapping(&["Balance"], "qbo_balance", Number),
            mapping(&["CurrencyRef.value"], "qbo_currency", Text),
            mapping(&["Active"], "qbo_active", Bool),
        ],
        SyncObject::Products => vec![
            mapping(&["Name"], "name", Text),
            mapping(&["Sku"], "hs_sku", Text),
            mapping(&["Description"], "description", Text),
            mapping(&["UnitPrice"], "price", Number),
            mapping(&["Type"], "qbo_item_type", Text),
            mapping(&["Active"], "qbo_active", Bool),
        ],
        SyncObject::Invoices => vec![
            mapping(&["DocNumber"], "qbo_invoice_number", Text),
            mapping(&["TxnDate"], "hs_invoice_date", Date),
            mapping(&["DueDate"], "hs_due_date", Date),
            mapping(&["TotalAmt"], "qbo_total", Number),
            mapping(&["Balance"], "qbo_balance", Number),
        ],
    }
}

/// The value at a dotted path, if present and not null.
pub fn field<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(record, |v, part| v.get(part))
        .filter(|v| !v.is_null())
}

/// The HubSpot property values `mappings` make of `record`. A field QuickBooks left out clears its
/// property (it was removed in QuickBooks), so the record in HubSpot never keeps a stale value.
pub fn project(
    record: &Value,
    mappings: &[Mapping],
) -> Result<BTreeMap<String, String>, MappingError> {
    let mut out = BTreeMap::new();
    for m in mappings {
        let found = m
            .sources
            .iter()
            .filter_map(|s| field(record, s).map(|v| (s, v)))
            .find(|(_, v)| v.as_str() != Some(""));
        let value = match found {
            None => String::new(),
            Some((path, v)) => write(path, v, m.shape)?,
        };
        out.insert(m.target.clone(), value);
    }
    Ok(out)
}

fn wrong(field: &str, expected: &'static str, found: &Value) -> MappingError {
    let mut found = found.to_string();
    found.truncate(40);
    MappingError::WrongType {
        field: field.to_string(),
        expected,
        found,
    }
}

fn write(path: &str, v: &Value, shape: Shape) -> Result<String, MappingError> {
    match shape {
        Shape::Text => {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(wrong(path, "text", other)),
            };
            if text.len() > MAX_TEXT {
                return Err(MappingError::TooLong {
                    field: path.to_string(),
                });
            }
            Ok(text)
        }
        Shape::Number => decimal(v)
            .map(|d| d.normalize().to_string())
            .ok_or_else(|| wrong(path, "a number", v)),
        Shape::Date => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp_millis().to_string())
            .ok_or_else(|| wrong(path, "a date", v)),
        Shape::Bool => v
            .as_bool()
            .map(|b| b.to_string())
            .ok_or_else(|| wrong(path, "true or false", v)),
    }
}

/// A JSON number (or numeric string) as an exact decimal: its text, never through a float.
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contact(record: Value) -> BTreeMap<String, String> {
        project(&record, &defaults(SyncObject::Contacts)).unwrap()
    }

    #[test]
    fn a_customer_becomes_contact_properties() {
        let p = contact(json!({
            "Id": "58", "GivenName": "Ada", "FamilyName": "Lovelace", "DisplayName": "Ada L",
            "PrimaryEmailAddr": {"Address": "ada@example.com"}, "PrimaryPhone": {"FreeFormNumber": "+44 20 1234"},
            "BillAddr": {"Line1": "1 Analytical St", "City": "London", "PostalCode": "N1", "Country": "GB"},
            "Balance": 1234.5, "CurrencyRef": {"value": "GBP"}, "Active": true
        }));
        assert_eq!(p["firstname"], "Ada");
        assert_eq!(p["lastname"], "Lovelace");
        assert_eq!(p["email"], "ada@example.com");
        assert_eq!(p["city"], "London");
        assert_eq!(p["state"], "", "a missing field clears its property");
        assert_eq!(p["qbo_balance"], "1234.5");
        assert_eq!(p["qbo_active"], "true");
    }

    #[test]
    fn a_customer_without_a_person_s_name_is_named_after_its_display_name() {
        let p = contact(json!({"Id": "9", "DisplayName": "Bolt Ltd", "GivenName": ""}));
        assert_eq!(p["firstname"], "Bolt Ltd");
        assert_eq!(p["email"], "");
    }

    #[test]
    fn numbers_stay_exact_and_dates_are_midnight_utc() {
        let record: Value = serde_json::from_str(
            r#"{"TotalAmt": 1000000000000.1234567, "TxnDate": "2026-03-01", "Balance": 0}"#,
        )
        .unwrap();
        let p = project(&record, &defaults(SyncObject::Invoices)).unwrap();
        assert_eq!(p["hs_invoice_date"], "1772323200000");
        assert_eq!(p["qbo_balance"], "0");
        assert!(
            p["qbo_total"].starts_with("1000000000000.12"),
            "{}",
            p["qbo_total"]
        );
    }

    #[test]
    fn a_wrongly_typed_field_is_the_record_s_error_not_a_guess() {
        let e = project(
            &json!({"TotalAmt": "lots"}),
            &defaults(SyncObject::Invoices),
        )
        .unwrap_err();
        assert!(matches!(e, MappingError::WrongType { ref field, .. } if field == "TotalAmt"));
        let e = project(
            &json!({"TxnDate": "01/03/2026"}),
            &defaults(SyncObject::Invoices),
        );
        assert!(e.is_err());
        let huge = "x".repeat(MAX_TEXT + 1);
        let e = project(&json!({"Name": huge}), &defaults(SyncObject::Products)).unwrap_err();
        assert!(matches!(e, MappingError::TooLong { .. }));
    }

    #[test]
    fn objects_name_their_entities_and_keys() {
        for o in SyncObject::ALL {
            assert_eq!(SyncObject::from_entity(o.entity()), Some(o));
            assert!(o.key_property().starts_with("qbo_"));
        }
        assert_eq!(record_key("123", "58"), "123:58");
        assert!(SyncObject::Contacts.is_name_list() && !SyncObject::Invoices.is_name_list());
    }
}

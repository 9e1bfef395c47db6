//! Test values the domain's unit tests share: QuickBooks items and customers, HubSpot lines, companies.

use super::draft::SourceLine;
use crate::quickbooks::entities::{Customer, Item};
use crate::quickbooks::CompanyProfile;
use rust_decimal_macros::dec;
use serde_json::json;

pub fn item(id: &str, name: &str, sku: Option<&str>) -> Item {
    serde_json::from_value(json!({ "Id": id, "Name": name, "Sku": sku })).unwrap()
}

pub fn customer(id: &str, display: &str, email: Option<&str>, currency: &str) -> Customer {
    serde_json::from_value(json!({
        "Id": id, "DisplayName": display, "PrimaryEmailAddr": email.map(|e| json!({ "Address": e })),
        "CurrencyRef": { "value": currency }, "GivenName": "Ada", "FamilyName": "Lovelace",
    }))
    .unwrap()
}

pub fn line(name: &str, sku: Option<&str>) -> SourceLine {
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

pub fn profile(us: bool) -> CompanyProfile {
    CompanyProfile {
        name: "Co".into(),
        country: if us { "US" } else { "GB" }.into(),
        home_currency: if us { "USD" } else { "GBP" }.into(),
        multi_currency: false,
        custom_txn_numbers: false,
        line_tax_codes_required: !us,
    }
}

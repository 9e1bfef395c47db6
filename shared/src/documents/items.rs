//! Unmatched line items become QuickBooks items (B4, "create the item"): a Service item with the line's
//! name, SKU and price, whose sales post to the income account the account's settings name for the company.
//!
//! Never a duplicate: QuickBooks keeps item names unique and answers 6240 (Duplicate Name Exists) to the
//! second of two writers racing to create the same product (quickbooks-api.md §8). The loser takes the
//! winner's item, found again by name. No look-up before the write: the caller has just matched the
//! line against the company's items, and the write itself is the only check that cannot go stale.

use super::company::Company;
use crate::domain::draft::check_line;
use crate::domain::matching::clean_name;
use crate::quickbooks::api::quoted;
use crate::quickbooks::entities::{amount, Account, Item};
use crate::quickbooks::QboError;
use crate::{App, AppError, ErrorCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// QuickBooks caps `Sku` at 100 characters, like `Name` (which `clean_name` caps).
const SKU_MAX: usize = 100;

/// The product a line item names, as the new QuickBooks item gets it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewItem {
    pub name: String,
    #[serde(default)]
    pub sku: Option<String>,
}

/// A draft line whose item is created (or found) just before the document is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewItemLine {
    /// Index of the line in the draft; its `item_id` is filled in.
    pub line: usize,
    pub item: NewItem,
    pub income_account: String,
}

impl NewItemLine {
    /// Refuses, before anything is written, what QuickBooks would refuse (or a line that is not there).
    pub fn check(&self, lines: usize) -> Result<(), AppError> {
        if self.line >= lines {
            return Err(AppError::BadRequest(format!(
                "there is no line {} for a new item",
                self.line + 1
            )));
        }
        self.item.cleaned().map(|_| ())
    }
}

impl NewItem {
    /// Name and SKU as QuickBooks takes them, or why not.
    fn cleaned(&self) -> Result<(String, Option<String>), AppError> {
        let name = clean_name(&self.name);
        if name.is_empty() {
            return Err(AppError::BadRequest(
                "a new QuickBooks product needs a name".into(),
            ));
        }
        let sku = self.sku.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(sku) = sku {
            // A control character is `invalid_text`, as in every other text bound for QuickBooks.
            check_line(&format!("the SKU of {name}"), sku)?;
            if sku.chars().count() > SKU_MAX {
                return Err(AppError::BadRequest(format!(
                    "the SKU of {name} must be at most {SKU_MAX} characters"
                )));
            }
        }
        Ok((name, sku.map(str::to_string)))
    }
}

/// The company's active income accounts: what a new item's sales may post to.
pub async fn income_accounts(app: &App, company: &Company) -> Result<Vec<Account>, AppError> {
    Ok(company
        .api(app)
        .query::<Account>("Account", "WHERE AccountType = 'Income' MAXRESULTS 1000")
        .await?
        .value)
}

/// The id of the item for `new`: created now, or the one another writer created first.
pub async fn create_item(
    app: &App,
    company: &Company,
    new: &NewItemLine,
    unit_price: Decimal,
    request_id: &str,
) -> Result<String, AppError> {
    let (name, sku) = new.item.cleaned()?;
    let mut body = json!({
        "Name": name,
        "Type": "Service",
        "UnitPrice": amount(unit_price),
        "IncomeAccountRef": { "value": new.income_account },
    });
    if let Some(sku) = &sku {
        body["Sku"] = json!(sku);
    }
    let api = company.api(app);
    match api.write::<Item>("item", "Item", &body, request_id).await {
        Ok(created) => Ok(created.value.id),
        Err(QboError::Fault { code, .. }) if code == "6240" => existing(app, company, &name).await,
        Err(e) => Err(e.into()),
    }
}

/// The item QuickBooks says holds `name` (it compares names case-insensitively; inactive items keep theirs).
async fn existing(app: &App, company: &Company, name: &str) -> Result<String, AppError> {
    // LIKE without a wildcard is a case-insensitive equality; the filter below makes it exact.
    let found = company
        .api(app)
        .query::<Item>(
            "Item",
            &format!(
                "WHERE Active IN (true,false) AND Name LIKE {}",
                quoted(name)
            ),
        )
        .await?
        .value;
    match found
        .into_iter()
        .find(|i| i.name.trim().eq_ignore_ascii_case(name))
    {
        Some(item) if item.active => Ok(item.id),
        Some(_) => Err(AppError::refused(
            ErrorCode::ItemNotFound,
            format!("QuickBooks has an inactive product or service named {name}; make it active in QuickBooks (or rename it), then try again"),
        )),
        None => Err(AppError::refused(
            ErrorCode::Rejected,
            format!("QuickBooks says a product named {name} exists but did not return it; try again"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sku(sku: &str) -> Result<(String, Option<String>), AppError> {
        NewItem {
            name: "Widget".into(),
            sku: Some(sku.into()),
        }
        .cleaned()
    }

    #[test]
    fn a_skus_control_character_is_invalid_text_and_its_length_a_bad_request() {
        assert_eq!(sku("W-1\0").unwrap_err().code(), ErrorCode::InvalidText);
        assert_eq!(sku("W-1\n2").unwrap_err().code(), ErrorCode::InvalidText);
        let long = "W".repeat(SKU_MAX + 1);
        assert_eq!(sku(&long).unwrap_err().code(), ErrorCode::BadRequest);
        assert_eq!(sku(" W-1 ").unwrap().1.as_deref(), Some("W-1"));
    }
}

//! A HubSpot account's behaviour settings for the workflow actions and the card (W4, W5, B4),
//! `PORTAL#{portalId}` / `SETTINGS`.

use crate::ids::{QboId, RealmId};
use crate::store::{keys, Store, StoreError};
use crate::AppError;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a workflow action does with a line item that matches no QuickBooks item (W5, B4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedItem {
    /// No document; the action fails with the reason.
    #[default]
    Fail,
    /// Use the company's default item for that line.
    DefaultItem,
    /// Create the QuickBooks item (name, SKU, price), its sales posting to the company's income account
    /// from `income_accounts`; in the card, the rep may then add a line's product as a new item.
    CreateItem,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Whether an action may create a QuickBooks customer when none matches the contact (W4).
    pub create_customers: bool,
    pub unmatched_item: UnmatchedItem,
    /// The default item per QuickBooks company (realm id → item id).
    #[serde(default)]
    pub default_items: BTreeMap<RealmId, QboId>,
    /// The income account new items post to, per QuickBooks company (realm id → account id).
    #[serde(default)]
    pub income_accounts: BTreeMap<RealmId, QboId>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            create_customers: true,
            unmatched_item: UnmatchedItem::Fail,
            default_items: BTreeMap::new(),
            income_accounts: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The account's settings, or the defaults before anyone changed them.
    pub async fn load(store: &Store, portal_id: u64) -> Result<Self, StoreError> {
        Ok(store
            .get(&keys::settings(portal_id.into()), Utc::now().timestamp())
            .await?
            .unwrap_or_default())
    }

    /// A settings document from a request: every field named, nothing unknown (a typo must not be
    /// silently dropped).
    pub fn from_request(body: &[u8]) -> Result<Self, AppError> {
        const FIELDS: &[&str] = &[
            "createCustomers",
            "unmatchedItem",
            "defaultItems",
            "incomeAccounts",
        ];
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| AppError::BadRequest(format!("the settings are not valid JSON: {e}")))?;
        if let Some(unknown) = value
            .as_object()
            .and_then(|o| o.keys().find(|k| !FIELDS.contains(&k.as_str())))
        {
            return Err(AppError::BadRequest(format!(
                "unknown setting {unknown:?}; the settings are {}",
                FIELDS.join(", ")
            )));
        }
        serde_json::from_value(value)
            .map_err(|e| AppError::BadRequest(format!("the settings are not valid: {e}")))
    }

    pub fn validate(&self) -> Result<(), AppError> {
        // The ids themselves were checked when the settings were parsed.
        for (field, map) in [
            ("defaultItems", &self.default_items),
            ("incomeAccounts", &self.income_accounts),
        ] {
            if map.len() > 100 {
                return Err(AppError::BadRequest(format!(
                    "{field}: at most 100 companies"
                )));
            }
        }
        Ok(())
    }

    /// A request's settings, checked against QuickBooks where they name its records, then saved: an income
    /// account must be one of the company's income accounts (B4). Only entries that changed are checked, so
    /// a company that needs reconnecting does not block saving the rest.
    pub async fn save_checked(&self, app: &crate::App, portal_id: u64) -> Result<(), AppError> {
        self.validate()?;
        let before = Self::load(&app.store, portal_id).await?;
        for (realm_id, account_id) in &self.income_accounts {
            if before.income_accounts.get(realm_id) == Some(account_id) {
                continue;
            }
            let company = crate::documents::company::Company::open(app, portal_id, realm_id)
                .await
                .map_err(|e| match e {
                    AppError::NotFound(_) => AppError::BadRequest(format!(
                        "incomeAccounts names QuickBooks company {realm_id}, which is not connected"
                    )),
                    other => other,
                })?;
            let accounts = crate::documents::items::income_accounts(app, &company).await?;
            if !accounts.iter().any(|a| a.id == account_id.as_str()) {
                return Err(AppError::BadRequest(format!(
                    "account {account_id} is not an income account of {}; choose one from the list",
                    company.connection.profile.name
                )));
            }
        }
        self.save(&app.store, portal_id).await
    }

    pub async fn save(&self, store: &Store, portal_id: u64) -> Result<(), AppError> {
        self.validate()?;
        store
            .save(
                &keys::settings(portal_id.into()),
                self,
                Utc::now().timestamp(),
            )
            .await?;
        Ok(())
    }
}

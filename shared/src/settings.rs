//! A HubSpot account's behaviour settings for the workflow actions (W4, W5, B4), `PORTAL#{portalId}` / `SETTINGS`.

use crate::store::{Key, Store, StoreError};
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Whether an action may create a QuickBooks customer when none matches the contact (W4).
    pub create_customers: bool,
    pub unmatched_item: UnmatchedItem,
    /// The default item per QuickBooks company (realm id → item id).
    #[serde(default)]
    pub default_items: BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            create_customers: true,
            unmatched_item: UnmatchedItem::Fail,
            default_items: BTreeMap::new(),
        }
    }
}

fn settings_key(portal_id: u64) -> Key {
    Key::new(format!("PORTAL#{portal_id}"), "SETTINGS")
}

impl Settings {
    /// The account's settings, or the defaults before anyone changed them.
    pub async fn load(store: &Store, portal_id: u64) -> Result<Self, StoreError> {
        Ok(store
            .get(&settings_key(portal_id), Utc::now().timestamp())
            .await?
            .unwrap_or_default())
    }

    /// A settings document from a request: every field named, nothing unknown (a typo must not be
    /// silently dropped).
    pub fn from_request(body: &[u8]) -> Result<Self, AppError> {
        const FIELDS: &[&str] = &["createCustomers", "unmatchedItem", "defaultItems"];
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
        let bad = |what: &str| Err(AppError::BadRequest(what.to_string()));
        if self.default_items.len() > 100 {
            return bad("at most 100 default items");
        }
        for (realm, item) in &self.default_items {
            let digits =
                |s: &str| !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(realm) || !digits(item) {
                return bad("defaultItems maps a QuickBooks company id to an item id, both digits");
            }
        }
        Ok(())
    }

    pub async fn save(&self, store: &Store, portal_id: u64) -> Result<(), AppError> {
        self.validate()?;
        store
            .save(&settings_key(portal_id), self, Utc::now().timestamp())
            .await?;
        Ok(())
    }
}

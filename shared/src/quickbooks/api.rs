//! The Accounting API under `/v3/company/{realmId}/` (quickbooks-api.md §2, §7): JSON in and out,
//! `minorversion=75` on every call, `intuit_tid` logged.

use super::fault::{fault_of, garbled, QboError};
use crate::connections::Environment;
use crate::outbound::{Outbound, Repeat};
use crate::Config;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

const SERVICE: &str = "QuickBooks";

pub struct QboApi<'a> {
    pub http: &'a Outbound,
    pub base: &'a Url,
    pub realm_id: &'a str,
    pub access_token: &'a str,
}

/// The API host of an environment.
pub fn base_for(config: &Config, environment: Environment) -> &Url {
    match environment {
        Environment::Production => &config.qbo_api_base,
        Environment::Sandbox => &config.qbo_sandbox_api_base,
    }
}

/// What we need to know about a company to draft documents for it correctly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompanyProfile {
    pub name: String,
    /// ISO country as QuickBooks reports it (`US`, `GB`, `CA`, ...).
    pub country: String,
    pub home_currency: String,
    pub multi_currency: bool,
    pub custom_txn_numbers: bool,
    /// US companies get sales tax computed by QuickBooks; all others need a tax code on every line.
    pub line_tax_codes_required: bool,
}

#[derive(Deserialize)]
struct CompanyInfoEnvelope {
    #[serde(rename = "CompanyInfo")]
    company_info: CompanyInfo,
}

#[derive(Deserialize)]
struct CompanyInfo {
    #[serde(rename = "CompanyName")]
    company_name: String,
    #[serde(rename = "Country", default)]
    country: String,
}

#[derive(Deserialize)]
struct PreferencesEnvelope {
    #[serde(rename = "Preferences")]
    preferences: Preferences,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Preferences {
    #[serde(rename = "SalesFormsPrefs")]
    sales_forms: SalesFormsPrefs,
    #[serde(rename = "CurrencyPrefs")]
    currency: CurrencyPrefs,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SalesFormsPrefs {
    #[serde(rename = "CustomTxnNumbers")]
    custom_txn_numbers: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CurrencyPrefs {
    #[serde(rename = "MultiCurrencyEnabled")]
    multi_currency_enabled: bool,
    #[serde(rename = "HomeCurrency")]
    home_currency: Option<Reference>,
}

#[derive(Deserialize, Default)]
struct Reference {
    value: String,
}

impl QboApi<'_> {
    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("/v3/company/{}/{}", self.realm_id, path));
        url.query_pairs_mut()
            .append_pair("minorversion", super::MINOR_VERSION);
        url
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, QboError> {
        let url = self.url(path);
        let reply = self
            .http
            .send(SERVICE, Repeat::Safe, |c| {
                c.get(url.clone())
                    .bearer_auth(self.access_token)
                    .header("accept", "application/json")
            })
            .await?;
        tracing::debug!(
            realm_id = self.realm_id,
            path,
            intuit_tid = reply.header("intuit_tid"),
            "QuickBooks GET"
        );
        if let Some(fault) = fault_of(&reply) {
            return Err(fault);
        }
        serde_json::from_slice(&reply.body).map_err(|_| garbled(&reply))
    }

    /// CompanyInfo and Preferences, read at connect time and kept with the connection.
    pub async fn company_profile(&self) -> Result<CompanyProfile, QboError> {
        let info: CompanyInfoEnvelope = self.get(&format!("companyinfo/{}", self.realm_id)).await?;
        let prefs: PreferencesEnvelope = self.get("preferences").await?;
        let country = info.company_info.country.trim().to_uppercase();
        let prefs = prefs.preferences;
        Ok(CompanyProfile {
            name: info.company_info.company_name,
            // Address countries moved to ISO-3 in 2025; both spellings of the US occur.
            line_tax_codes_required: !matches!(country.as_str(), "US" | "USA"),
            country,
            home_currency: prefs
                .currency
                .home_currency
                .map(|r| r.value)
                .unwrap_or_default(),
            multi_currency: prefs.currency.multi_currency_enabled,
            custom_txn_numbers: prefs.sales_forms.custom_txn_numbers,
        })
    }
}

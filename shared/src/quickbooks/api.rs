//! The Accounting API under `/v3/company/{realmId}/` (quickbooks-api.md §2, §7): JSON in and out,
//! `minorversion=75` on every call, `intuit_tid` logged.

use super::fault::{fault_of, garbled, FaultKind, QboError};
use crate::config::Config;
use crate::outbound::{Outbound, Repeat, Reply};
use crate::tokens::{Grant, TokenBroker};
use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

const SERVICE: &str = "QuickBooks";

pub struct QboApi<'a> {
    pub http: &'a Outbound,
    pub base: &'a Url,
    pub realm_id: &'a str,
    pub auth: Auth<'a>,
}

/// The access token calls carry, and where another comes from when QuickBooks refuses it.
pub enum Auth<'a> {
    /// A token straight from the code exchange (connecting): there is nothing to renew it from yet.
    Token(&'a str),
    /// A connected company's grant. QuickBooks can refuse a token we believe valid (revoked early, clock
    /// skew): the call then renews it once under the refresh lease and is retried once (issue 10, item 5).
    Grant {
        tokens: &'a TokenBroker,
        grant: &'a Grant,
        /// The token in use, shared by every call made for the same company in this request.
        held: &'a std::sync::Mutex<String>,
    },
}

impl Auth<'_> {
    fn current(&self) -> String {
        match self {
            Auth::Token(t) => t.to_string(),
            Auth::Grant { held, .. } => held
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }
}

/// Production, or Intuit's sandbox (a developer's test companies, on their own host).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Production,
    Sandbox,
}

/// The API host of an environment.
pub fn base_for(config: &Config, environment: Environment) -> &Url {
    match environment {
        Environment::Production => &config.qbo_api_base,
        Environment::Sandbox => &config.qbo_sandbox_api_base,
    }
}

/// An answer with QuickBooks' `time`: the company's clock, in its UTC offset (quickbooks-api.md §2).
#[derive(Debug)]
pub struct Stamped<T> {
    pub value: T,
    pub time: Option<DateTime<FixedOffset>>,
}

/// A string literal in a query: single quotes, `\'` escapes (quickbooks-api.md §4).
pub fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn time_of(envelope: &serde_json::Value) -> Option<DateTime<FixedOffset>> {
    envelope
        .get("time")
        .and_then(|t| t.as_str())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
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

    /// One call: `build` adds the method and body to an authorized request for `url`. A refused token is
    /// renewed and the call repeated once; a company that no longer authorizes the app is marked
    /// "reconnect needed".
    async fn call(
        &self,
        method: reqwest::Method,
        url: &Url,
        accept: &str,
        build: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Reply, QboError> {
        let token = self.auth.current();
        let reply = self.send(&method, url, accept, &build, &token).await?;
        let Some(fault) = fault_of(&reply) else {
            return Ok(reply);
        };
        let Auth::Grant {
            tokens,
            grant,
            held,
        } = &self.auth
        else {
            return Err(fault);
        };
        match fault.kind() {
            FaultKind::TokenRefused => {
                tracing::warn!(
                    realm_id = self.realm_id,
                    "QuickBooks refused a live access token; renewing it once"
                );
                // Boxed: the renewal is rare and large; inline it would bloat every call's future.
                let renewed = Box::pin(tokens.renew(grant, &token)).await?;
                *held
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = renewed.clone();
                let reply = self.send(&method, url, accept, &build, &renewed).await?;
                match fault_of(&reply) {
                    Some(fault) => Err(fault),
                    None => Ok(reply),
                }
            }
            FaultKind::ReconnectNeeded => {
                if let Err(e) = Box::pin(tokens.authorization_revoked(grant)).await {
                    tracing::error!(error = %e, "could not mark the company reconnect needed");
                }
                Err(fault)
            }
            _ => Err(fault),
        }
    }

    async fn send(
        &self,
        method: &reqwest::Method,
        url: &Url,
        accept: &str,
        build: &impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
        token: &str,
    ) -> Result<Reply, QboError> {
        // Reads are safe to repeat, and every write carries a `requestid`, so QuickBooks answers a repeat
        // with the first answer instead of writing twice (quickbooks-api.md §7).
        let reply = self
            .http
            .send(SERVICE, Repeat::Safe, |c| {
                build(c.request(method.clone(), url.clone()))
                    .bearer_auth(token)
                    .header("accept", accept)
            })
            .await?;
        tracing::debug!(
            realm_id = self.realm_id,
            path = url.path(),
            status = reply.status.as_u16(),
            intuit_tid = reply.header("intuit_tid"),
            "QuickBooks call"
        );
        Ok(reply)
    }

    /// Every answer is read through `wire::parse`: amounts keep their digits (no `f64` on the way).
    fn decode<T: DeserializeOwned>(reply: &Reply) -> Result<T, QboError> {
        super::wire::parse(&reply.body)
            .and_then(serde_json::from_value)
            .map_err(|_| garbled(reply))
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, QboError> {
        let reply = self
            .call(
                reqwest::Method::GET,
                &self.url(path),
                "application/json",
                |b| b,
            )
            .await?;
        Self::decode(&reply)
    }

    /// A GET of `path` with query parameters (CDC's `entities` and `changedSince`), with the answer's `time`.
    pub async fn get_with<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<Stamped<T>, QboError> {
        let mut url = self.url(path);
        url.query_pairs_mut().extend_pairs(params);
        let reply = self
            .call(reqwest::Method::GET, &url, "application/json", |b| b)
            .await?;
        let envelope: serde_json::Value = Self::decode(&reply)?;
        let time = time_of(&envelope);
        let value = serde_json::from_value(envelope).map_err(|_| garbled(&reply))?;
        Ok(Stamped { value, time })
    }

    /// `SELECT * FROM {entity} [WHERE …]`: the rows, or none (QuickBooks leaves the key out when empty).
    pub async fn query<T: DeserializeOwned>(
        &self,
        entity: &str,
        filter: &str,
    ) -> Result<Stamped<Vec<T>>, QboError> {
        let mut url = self.url("query");
        url.query_pairs_mut()
            .append_pair("query", &format!("SELECT * FROM {entity} {filter}"));
        let reply = self
            .call(reqwest::Method::GET, &url, "application/json", |b| b)
            .await?;
        let envelope: serde_json::Value = Self::decode(&reply)?;
        let value = match envelope.get("QueryResponse").and_then(|r| r.get(entity)) {
            None => Vec::new(),
            Some(rows) => serde_json::from_value(rows.clone()).map_err(|_| garbled(&reply))?,
        };
        Ok(Stamped {
            value,
            time: time_of(&envelope),
        })
    }

    /// The rows of `entity` with these ids (at most 1000), in one query.
    pub async fn query_ids<T: DeserializeOwned>(
        &self,
        entity: &str,
        ids: &[&str],
    ) -> Result<Stamped<Vec<T>>, QboError> {
        let list: Vec<String> = ids.iter().map(|id| quoted(id)).collect();
        let filter = format!("WHERE Id IN ({}) MAXRESULTS 1000", list.join(","));
        self.query(entity, &filter).await
    }

    /// POSTs `body` to `path` (a create, or an update with `Id`/`SyncToken`) once per `request_id`, and
    /// returns the `{entity}` object of the answer.
    pub async fn write<T: DeserializeOwned>(
        &self,
        path: &str,
        entity: &str,
        body: &serde_json::Value,
        request_id: &str,
    ) -> Result<Stamped<T>, QboError> {
        let mut url = self.url(path);
        url.query_pairs_mut().append_pair("requestid", request_id);
        let reply = self
            .call(reqwest::Method::POST, &url, "application/json", |b| {
                b.json(&super::wire::Wire(body))
            })
            .await?;
        Self::entity_of(&reply, entity)
    }

    fn entity_of<T: DeserializeOwned>(reply: &Reply, entity: &str) -> Result<Stamped<T>, QboError> {
        let envelope: serde_json::Value = Self::decode(reply)?;
        let value = envelope
            .get(entity)
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| garbled(reply))?;
        Ok(Stamped {
            value,
            time: time_of(&envelope),
        })
    }

    /// E-mails an invoice to its customer (or `send_to`); QuickBooks marks it `EmailSent` (B9).
    pub async fn send_invoice(
        &self,
        id: &str,
        send_to: Option<&str>,
        request_id: &str,
    ) -> Result<Stamped<super::entities::Document>, QboError> {
        let mut url = self.url(&format!("invoice/{id}/send"));
        url.query_pairs_mut().append_pair("requestid", request_id);
        if let Some(to) = send_to {
            url.query_pairs_mut().append_pair("sendTo", to);
        }
        let reply = self
            .call(reqwest::Method::POST, &url, "application/json", |b| {
                b.header("content-type", "application/octet-stream")
            })
            .await?;
        Self::entity_of(&reply, "Invoice")
    }

    /// The PDF QuickBooks renders for a sales document (I9).
    pub async fn pdf(&self, path: &str, id: &str) -> Result<Vec<u8>, QboError> {
        let reply = self
            .call(
                reqwest::Method::GET,
                &self.url(&format!("{path}/{id}/pdf")),
                "application/pdf",
                |b| b,
            )
            .await?;
        if !reply.body.starts_with(b"%PDF") {
            return Err(garbled(&reply));
        }
        Ok(reply.body)
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

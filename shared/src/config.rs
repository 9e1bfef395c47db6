//! Configuration, read once per cold start from environment variables into typed structs.

use serde::Deserialize;
use thiserror::Error;
use url::Url;

/// Production hosts; the local stack and the tests point these at the simulators.
const DEFAULT_HUBSPOT_API_BASE: &str = "https://api.hubapi.com";
const DEFAULT_HUBSPOT_AUTH_BASE: &str = "https://app.hubspot.com";
const DEFAULT_INTUIT_AUTHORIZE_URL: &str = "https://appcenter.intuit.com/connect/oauth2";
const DEFAULT_INTUIT_TOKEN_URL: &str = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";
const DEFAULT_INTUIT_REVOKE_URL: &str = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke";
const DEFAULT_QBO_API_BASE: &str = "https://quickbooks.api.intuit.com";
const DEFAULT_QBO_SANDBOX_API_BASE: &str = "https://sandbox-quickbooks.api.intuit.com";
const DEFAULT_STALE_MINUTES: i64 = 360;
/// CDC looks back 30 days; a cursor older than that is past saving anyway.
const MAX_STALE_MINUTES: i64 = 43_200;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required (see README, Configuration)")]
    Missing(&'static str),
    #[error("environment variable {name} is not a valid absolute URL: {reason}")]
    BadUrl { name: &'static str, reason: String },
    #[error("environment variable {name} must be a whole number from 1 to {max}")]
    BadNumber { name: &'static str, max: i64 },
    #[error("the app-credentials secret is not the expected JSON object: {0}")]
    BadCredentials(String),
}

/// Where everything lives. Every field is an environment variable of the same name in upper case.
#[derive(Clone, Debug)]
pub struct Config {
    pub stage: String,
    pub table_name: String,
    /// Secrets Manager id of the apps' own client ids and secrets ([`AppCredentials`]).
    pub app_secret_id: String,
    /// Each HubSpot install and QuickBooks company gets the secret `<prefix><id>`; IAM grants only this prefix.
    pub token_secret_prefix: String,
    /// The URL HubSpot and browsers call when it is a custom domain. Unset, the API Gateway domain of each
    /// request is used (the template cannot pass the API's own URL in: that would make a dependency cycle).
    /// Signatures are checked against it, never against an internal host.
    pub public_base_url: Option<Url>,
    pub hubspot_api_base: Url,
    pub hubspot_auth_base: Url,
    pub intuit_authorize_url: Url,
    pub intuit_token_url: Url,
    pub intuit_revoke_url: Url,
    pub qbo_api_base: Url,
    pub qbo_sandbox_api_base: Url,
    /// How long a company's sync cursor may stand still before the company counts as stuck
    /// (`SYNC_STALE_AFTER_MINUTES`, the template's `SyncStaleAfterMinutes`; 6 hours unset).
    pub sync_stale_after: chrono::Duration,
    /// The sync's job queue (SQS). The sync function drains it; the webhook route and the schedule fill it.
    pub sync_queue_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads through `lookup` so tests can configure without touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let url = |name: &'static str, default: &str| {
            let raw = lookup(name).filter(|v| !v.trim().is_empty());
            parse_url(name, raw.as_deref().unwrap_or(default))
        };
        Ok(Self {
            stage: lookup("STAGE").unwrap_or_else(|| "local".into()),
            table_name: required("TABLE_NAME")?,
            app_secret_id: required("APP_SECRET_ID")?,
            token_secret_prefix: required("TOKEN_SECRET_PREFIX")?,
            public_base_url: lookup("PUBLIC_BASE_URL")
                .filter(|v| !v.trim().is_empty())
                .map(|v| parse_url("PUBLIC_BASE_URL", &v))
                .transpose()?,
            hubspot_api_base: url("HUBSPOT_API_BASE", DEFAULT_HUBSPOT_API_BASE)?,
            hubspot_auth_base: url("HUBSPOT_AUTH_BASE", DEFAULT_HUBSPOT_AUTH_BASE)?,
            intuit_authorize_url: url("INTUIT_AUTHORIZE_URL", DEFAULT_INTUIT_AUTHORIZE_URL)?,
            intuit_token_url: url("INTUIT_TOKEN_URL", DEFAULT_INTUIT_TOKEN_URL)?,
            intuit_revoke_url: url("INTUIT_REVOKE_URL", DEFAULT_INTUIT_REVOKE_URL)?,
            qbo_api_base: url("QBO_API_BASE", DEFAULT_QBO_API_BASE)?,
            qbo_sandbox_api_base: url("QBO_SANDBOX_API_BASE", DEFAULT_QBO_SANDBOX_API_BASE)?,
            sync_stale_after: match lookup("SYNC_STALE_AFTER_MINUTES")
                .filter(|v| !v.trim().is_empty())
            {
                None => chrono::Duration::minutes(DEFAULT_STALE_MINUTES),
                Some(raw) => raw
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|m| (1..=MAX_STALE_MINUTES).contains(m))
                    .map(chrono::Duration::minutes)
                    .ok_or(ConfigError::BadNumber {
                        name: "SYNC_STALE_AFTER_MINUTES",
                        max: MAX_STALE_MINUTES,
                    })?,
            },
            sync_queue_url: lookup("SYNC_QUEUE_URL").filter(|v| !v.trim().is_empty()),
        })
    }
}

fn parse_url(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw.trim()).map_err(|e| ConfigError::BadUrl {
        name,
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::BadUrl {
            name,
            reason: format!("scheme {} is not http(s)", url.scheme()),
        });
    }
    Ok(url)
}

/// The apps' own credentials, one JSON secret read once per cold start. Debug never prints a secret.
#[derive(Clone, Deserialize)]
pub struct AppCredentials {
    pub hubspot_client_id: String,
    pub hubspot_client_secret: String,
    pub intuit_client_id: String,
    pub intuit_client_secret: String,
    #[serde(default)]
    pub intuit_webhook_verifier: String,
}

impl AppCredentials {
    pub fn from_json(raw: &str) -> Result<Self, ConfigError> {
        serde_json::from_str(raw).map_err(|e| ConfigError::BadCredentials(e.to_string()))
    }
}

impl std::fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCredentials")
            .field("hubspot_client_id", &self.hubspot_client_id)
            .field("intuit_client_id", &self.intuit_client_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const MINIMAL: &[(&str, &str)] = &[
        ("TABLE_NAME", "t"),
        ("APP_SECRET_ID", "app"),
        ("TOKEN_SECRET_PREFIX", "hs-qbo/test/tokens/"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
    ];

    #[test]
    fn defaults_point_at_the_real_hosts() {
        let c = Config::from_lookup(env(MINIMAL)).unwrap();
        assert_eq!(c.hubspot_api_base.as_str(), "https://api.hubapi.com/");
        assert_eq!(
            c.intuit_token_url.as_str(),
            "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
        );
        assert_eq!(
            c.public_base_url.unwrap().as_str(),
            "https://api.example.com/"
        );
        let mut without = MINIMAL.to_vec();
        without.retain(|(k, _)| *k != "PUBLIC_BASE_URL");
        assert!(Config::from_lookup(env(&without))
            .unwrap()
            .public_base_url
            .is_none());
    }

    #[test]
    fn missing_and_malformed_values_are_named() {
        let err = Config::from_lookup(env(&MINIMAL[1..])).unwrap_err();
        assert!(err.to_string().contains("TABLE_NAME"), "{err}");
        let mut bad = MINIMAL.to_vec();
        bad.push(("QBO_API_BASE", "not a url"));
        let err = Config::from_lookup(env(&bad)).unwrap_err();
        assert!(err.to_string().contains("QBO_API_BASE"), "{err}");
        let mut stale = MINIMAL.to_vec();
        stale.push(("SYNC_STALE_AFTER_MINUTES", "0"));
        let err = Config::from_lookup(env(&stale)).unwrap_err();
        assert!(
            err.to_string().contains("SYNC_STALE_AFTER_MINUTES"),
            "{err}"
        );
        assert_eq!(
            Config::from_lookup(env(MINIMAL)).unwrap().sync_stale_after,
            chrono::Duration::hours(6)
        );
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let c = AppCredentials::from_json(
            r#"{"hubspot_client_id":"hid","hubspot_client_secret":"hsecret","intuit_client_id":"iid","intuit_client_secret":"isecret"}"#,
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hsecret") && !shown.contains("isecret"),
            "{shown}"
        );
        assert!(AppCredentials::from_json("{}").is_err());
    }
}

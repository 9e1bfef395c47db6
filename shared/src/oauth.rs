//! What the HubSpot and Intuit OAuth clients share: the token answer (RFC 6749) and its errors.

use crate::outbound::{OutboundError, Reply};
use crate::vault::TokenSet;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OAuthError {
    /// The grant (code or refresh token) is expired, revoked or already used: the user must reconnect.
    #[error("{service} refused the grant ({detail}); reconnect needed")]
    InvalidGrant {
        service: &'static str,
        detail: String,
    },
    #[error("{service} is throttling token requests; try again in a minute")]
    Throttled { service: &'static str },
    #[error("{service} token endpoint answered {status}: {detail}")]
    Rejected {
        service: &'static str,
        status: u16,
        detail: String,
    },
    #[error(transparent)]
    Transport(#[from] OutboundError),
}

/// The token endpoint's answer; HubSpot adds `hub_id`, Intuit `x_refresh_token_expires_in`.
#[derive(Debug, Deserialize)]
pub struct TokenAnswer {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    #[serde(default)]
    pub x_refresh_token_expires_in: Option<i64>,
    #[serde(default)]
    pub hub_id: Option<u64>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl TokenAnswer {
    pub fn token_set(&self, now: DateTime<Utc>) -> TokenSet {
        TokenSet {
            access_token: self.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            access_expires_at: now + Duration::seconds(self.expires_in),
            refresh_expires_at: self
                .x_refresh_token_expires_in
                .map(|s| now + Duration::seconds(s)),
            scopes: self.scopes.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct ErrorAnswer {
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

/// Reads a token endpoint's reply: the token set, or what went wrong.
pub fn token_answer(service: &'static str, reply: &Reply) -> Result<TokenAnswer, OAuthError> {
    if reply.status.is_success() {
        return serde_json::from_slice(&reply.body).map_err(|e| OAuthError::Rejected {
            service,
            status: reply.status.as_u16(),
            detail: format!("the answer is not a token set: {e}"),
        });
    }
    if reply.status.as_u16() == 429 {
        return Err(OAuthError::Throttled { service });
    }
    let parsed: Option<ErrorAnswer> = serde_json::from_slice(&reply.body).ok();
    let code = parsed
        .as_ref()
        .and_then(|e| e.error.clone())
        .unwrap_or_default();
    let detail = parsed
        .and_then(|e| e.error_description.or(e.message))
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&reply.body)
                .chars()
                .take(200)
                .collect()
        });
    if code == "invalid_grant" {
        return Err(OAuthError::InvalidGrant { service, detail });
    }
    Err(OAuthError::Rejected {
        service,
        status: reply.status.as_u16(),
        detail: if code.is_empty() {
            detail
        } else {
            format!("{code}: {detail}")
        },
    })
}

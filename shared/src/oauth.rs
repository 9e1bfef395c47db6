//! The one OAuth 2.0 client (RFC 6749) both providers are spoken to with: consent URL, code exchange,
//! refresh and revocation. What differs between HubSpot and Intuit is data, set where each client is built
//! (`hubspot/oauth.rs`, `quickbooks/oauth.rs`): the endpoints, and how the app authenticates itself.

use crate::outbound::{Outbound, OutboundError, Repeat, Reply};
use crate::vault::TokenSet;
use chrono::{DateTime, Duration, Utc};
use reqwest::RequestBuilder;
use serde::Deserialize;
use thiserror::Error;
use url::Url;

/// How the app proves itself to a token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic with the client id and secret (Intuit).
    Basic,
    /// `client_id` and `client_secret` among the request's own fields (HubSpot).
    InBody,
}

/// Where a provider's OAuth endpoints are.
#[derive(Clone, Debug)]
pub struct Endpoints {
    /// The consent page, with the parameters that never change (client id, scope, …) already set.
    pub authorize: Url,
    pub token: Url,
    /// Token revocation (RFC 7009), for a provider that has one.
    pub revoke: Option<Url>,
}

/// One provider's OAuth client, built once per cold start (in `App`).
#[derive(Clone)]
pub struct OAuthClient {
    service: &'static str,
    http: Outbound,
    endpoints: Endpoints,
    client_id: String,
    client_secret: String,
    auth: ClientAuth,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("service", &self.service)
            .field("endpoints", &self.endpoints)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The two providers' clients.
#[derive(Clone, Debug)]
pub struct OAuthClients {
    pub hubspot: OAuthClient,
    pub intuit: OAuthClient,
}

impl OAuthClient {
    pub fn new(
        service: &'static str,
        http: Outbound,
        endpoints: Endpoints,
        client_id: &str,
        client_secret: &str,
        auth: ClientAuth,
    ) -> Self {
        Self {
            service,
            http,
            endpoints,
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            auth,
        }
    }

    /// Where the browser goes to consent; the callback must come back to `redirect_uri` with `state`.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let mut url = self.endpoints.authorize.clone();
        url.query_pairs_mut()
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state);
        url.into()
    }

    /// Exchanges the callback's code. A code works once, so this is never retried once it may have arrived.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenAnswer, OAuthError> {
        self.token_request(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ],
            Repeat::Once,
        )
        .await
    }

    /// Refreshes. Within Intuit's rotation window a repeat returns the same refresh token, and HubSpot's
    /// refresh tokens do not rotate, so a retry is safe.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenAnswer, OAuthError> {
        self.token_request(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
            Repeat::Safe,
        )
        .await
    }

    /// Revokes a grant (its refresh or an access token), so disconnecting really disconnects. The body is
    /// JSON, as Intuit's endpoint takes it (quickbooks-api.md §1).
    pub async fn revoke(&self, token: &str) -> Result<(), OAuthError> {
        let Some(url) = &self.endpoints.revoke else {
            return Err(OAuthError::NoRevocation {
                service: self.service,
            });
        };
        let body: serde_json::Map<String, serde_json::Value> = self
            .fields(&[("token", token)])
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into()))
            .collect();
        let reply = self
            .http
            .send(self.service, Repeat::Safe, |c| {
                self.authenticated(c.post(url.clone()))
                    .header("accept", "application/json")
                    .json(&body)
            })
            .await?;
        if reply.status.is_success() {
            return Ok(());
        }
        // An already-dead token is as revoked as it gets.
        match token_answer(self.service, &reply) {
            Err(OAuthError::InvalidGrant { .. }) | Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        repeat: Repeat,
    ) -> Result<TokenAnswer, OAuthError> {
        let fields = self.fields(form);
        let reply = self
            .http
            .send(self.service, repeat, |c| {
                self.authenticated(c.post(self.endpoints.token.clone()))
                    .header("accept", "application/json")
                    .form(&fields)
            })
            .await?;
        token_answer(self.service, &reply)
    }

    /// A request's own fields, with the client's credentials first when they travel in the body.
    fn fields<'a>(&'a self, own: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut fields = Vec::with_capacity(own.len() + 2);
        if self.auth == ClientAuth::InBody {
            fields.push(("client_id", self.client_id.as_str()));
            fields.push(("client_secret", self.client_secret.as_str()));
        }
        fields.extend_from_slice(own);
        fields
    }

    fn authenticated(&self, request: RequestBuilder) -> RequestBuilder {
        match self.auth {
            ClientAuth::Basic => request.basic_auth(&self.client_id, Some(&self.client_secret)),
            ClientAuth::InBody => request,
        }
    }
}

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
    /// Revoking at a provider without a revocation endpoint (HubSpot: uninstalling the app revokes).
    #[error("{service} has no token revocation endpoint")]
    NoRevocation { service: &'static str },
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
fn token_answer(service: &'static str, reply: &Reply) -> Result<TokenAnswer, OAuthError> {
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
        .unwrap_or_else(|| reply.snippet());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn client(auth: ClientAuth) -> OAuthClient {
        let url = |s: &str| Url::parse(s).unwrap();
        OAuthClient::new(
            "Test OAuth",
            Outbound::new(),
            Endpoints {
                authorize: url("https://auth.example/consent?client_id=the-id&scope=a+b"),
                token: url("https://auth.example/token"),
                revoke: None,
            },
            "the-id",
            "the-secret",
            auth,
        )
    }

    #[test]
    fn the_client_secret_travels_in_the_body_only_when_the_provider_wants_it_there() {
        let own = [("grant_type", "refresh_token"), ("refresh_token", "r1")];
        assert_eq!(
            client(ClientAuth::InBody).fields(&own),
            [
                ("client_id", "the-id"),
                ("client_secret", "the-secret"),
                ("grant_type", "refresh_token"),
                ("refresh_token", "r1"),
            ]
        );
        assert_eq!(client(ClientAuth::Basic).fields(&own), own);
        let http = reqwest::Client::new();
        let basic = client(ClientAuth::Basic)
            .authenticated(http.post("https://auth.example/token"))
            .build()
            .unwrap();
        let header = basic.headers()["authorization"].to_str().unwrap();
        // base64("the-id:the-secret")
        assert_eq!(header, "Basic dGhlLWlkOnRoZS1zZWNyZXQ=");
        let in_body = client(ClientAuth::InBody)
            .authenticated(http.post("https://auth.example/token"))
            .build()
            .unwrap();
        assert!(in_body.headers().get("authorization").is_none());
    }

    #[test]
    fn the_consent_url_keeps_the_providers_parameters_and_adds_the_round_trip() {
        let url = client(ClientAuth::Basic).authorize_url("https://app.example/cb", "s1");
        let url = Url::parse(&url).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            pairs,
            [
                pair("client_id", "the-id"),
                pair("scope", "a b"),
                pair("redirect_uri", "https://app.example/cb"),
                pair("state", "s1"),
            ]
        );
    }

    #[tokio::test]
    async fn revoking_where_the_provider_has_no_endpoint_is_an_error_not_a_silent_success() {
        let err = client(ClientAuth::InBody).revoke("t").await.unwrap_err();
        assert!(matches!(err, OAuthError::NoRevocation { .. }), "{err}");
    }
}

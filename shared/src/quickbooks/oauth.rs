//! Intuit OAuth 2.0 (quickbooks-api.md §1): consent URL, code exchange, refresh, revoke. The token endpoint
//! takes HTTP Basic auth and a form body; production and sandbox share it.

use crate::oauth::{token_answer, OAuthError, TokenAnswer};
use crate::outbound::{Outbound, Repeat};
use crate::{AppCredentials, Config};
use url::Url;

const SERVICE: &str = "Intuit OAuth";

pub struct IntuitOAuth<'a> {
    pub http: &'a Outbound,
    pub config: &'a Config,
    pub credentials: &'a AppCredentials,
}

impl IntuitOAuth<'_> {
    /// Where the browser goes to consent.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let mut url: Url = self.config.intuit_authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.credentials.intuit_client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", super::SCOPE)
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

    /// Refreshes. Within Intuit's rotation window a repeat returns the same refresh token, so a retry is safe.
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

    /// Revokes the grant (refresh or access token), so disconnecting really disconnects.
    pub async fn revoke(&self, token: &str) -> Result<(), OAuthError> {
        let reply = self
            .http
            .send(SERVICE, Repeat::Safe, |c| {
                c.post(self.config.intuit_revoke_url.clone())
                    .basic_auth(
                        &self.credentials.intuit_client_id,
                        Some(&self.credentials.intuit_client_secret),
                    )
                    .header("accept", "application/json")
                    .json(&serde_json::json!({ "token": token }))
            })
            .await?;
        if reply.status.is_success() {
            return Ok(());
        }
        // An already-dead token is as revoked as it gets.
        match token_answer(SERVICE, &reply) {
            Err(OAuthError::InvalidGrant { .. }) => Ok(()),
            Err(e) => Err(e),
            Ok(_) => Ok(()),
        }
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        repeat: Repeat,
    ) -> Result<TokenAnswer, OAuthError> {
        let reply = self
            .http
            .send(SERVICE, repeat, |c| {
                c.post(self.config.intuit_token_url.clone())
                    .basic_auth(
                        &self.credentials.intuit_client_id,
                        Some(&self.credentials.intuit_client_secret),
                    )
                    .header("accept", "application/json")
                    .form(form)
            })
            .await?;
        token_answer(SERVICE, &reply)
    }
}

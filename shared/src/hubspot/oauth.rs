//! HubSpot OAuth (hubspot-api.md §1): consent URL, and the v3 token endpoint (form body, answer with `hub_id`).

use crate::oauth::{token_answer, OAuthError, TokenAnswer};
use crate::outbound::{Outbound, Repeat};
use crate::{AppCredentials, Config};
use url::Url;

const SERVICE: &str = "HubSpot OAuth";

pub struct HubSpotOAuth<'a> {
    pub http: &'a Outbound,
    pub config: &'a Config,
    pub credentials: &'a AppCredentials,
}

impl HubSpotOAuth<'_> {
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let mut url: Url = self.config.hubspot_auth_base.clone();
        url.set_path("/oauth/authorize");
        url.query_pairs_mut()
            .append_pair("client_id", &self.credentials.hubspot_client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &super::SCOPES.join(" "))
            .append_pair("state", state);
        url.into()
    }

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

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        repeat: Repeat,
    ) -> Result<TokenAnswer, OAuthError> {
        let mut url = self.config.hubspot_api_base.clone();
        url.set_path("/oauth/v3/token");
        let mut fields = vec![
            ("client_id", self.credentials.hubspot_client_id.as_str()),
            (
                "client_secret",
                self.credentials.hubspot_client_secret.as_str(),
            ),
        ];
        fields.extend_from_slice(form);
        let reply = self
            .http
            .send(SERVICE, repeat, |c| {
                c.post(url.clone())
                    .header("accept", "application/json")
                    .form(&fields)
            })
            .await?;
        token_answer(SERVICE, &reply)
    }
}

//! Intuit OAuth 2.0 (quickbooks-api.md §1): the consent page, and token and revocation endpoints that take
//! HTTP Basic auth; production and sandbox share them.

use crate::oauth::{ClientAuth, Endpoints, OAuthClient};
use crate::outbound::Outbound;
use crate::{AppCredentials, Config};

pub fn client(http: &Outbound, config: &Config, credentials: &AppCredentials) -> OAuthClient {
    let mut authorize = config.intuit_authorize_url.clone();
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &credentials.intuit_client_id)
        .append_pair("response_type", "code")
        .append_pair("scope", super::SCOPE);
    OAuthClient::new(
        "Intuit OAuth",
        http.clone(),
        Endpoints {
            authorize,
            token: config.intuit_token_url.clone(),
            revoke: Some(config.intuit_revoke_url.clone()),
        },
        &credentials.intuit_client_id,
        &credentials.intuit_client_secret,
        ClientAuth::Basic,
    )
}

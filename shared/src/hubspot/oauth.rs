//! HubSpot OAuth (hubspot-api.md §1): the consent page, and the v3 token endpoint, which takes the app's
//! credentials in its form body and answers with the account's `hub_id`.

use crate::oauth::{ClientAuth, Endpoints, OAuthClient};
use crate::outbound::Outbound;
use crate::{AppCredentials, Config};

pub fn client(http: &Outbound, config: &Config, credentials: &AppCredentials) -> OAuthClient {
    let mut authorize = config.hubspot_auth_base.clone();
    authorize.set_path("/oauth/authorize");
    authorize
        .query_pairs_mut()
        .append_pair("client_id", &credentials.hubspot_client_id)
        .append_pair("scope", &super::SCOPES.join(" "));
    let mut token = config.hubspot_api_base.clone();
    token.set_path("/oauth/v3/token");
    OAuthClient::new(
        "HubSpot OAuth",
        http.clone(),
        Endpoints {
            authorize,
            token,
            revoke: None,
        },
        &credentials.hubspot_client_id,
        &credentials.hubspot_client_secret,
        ClientAuth::InBody,
    )
}

//! Everything a handler needs, built once per cold start in `main.rs` and passed by reference.

use crate::config::{AppCredentials, Config, ConfigError};
use crate::connections::ConnectionRecords;
use crate::hubspot::HubSpotApi;
use crate::oauth::OAuthClients;
use crate::outbound::Outbound;
use crate::quickbooks::api::{base_for, Auth, Environment};
use crate::quickbooks::QboApi;
use crate::store::Store;
use crate::tokens::TokenBroker;
use crate::vault::{Vault, VaultError};
use aws_config::{BehaviorVersion, SdkConfig};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("reading the app-credentials secret failed: {0}")]
    Credentials(#[from] VaultError),
}

#[derive(Clone, Debug)]
pub struct App {
    pub config: Config,
    pub credentials: AppCredentials,
    pub store: Store,
    pub vault: Vault,
    /// One HTTP client for HubSpot and Intuit, reused by every invocation of this process.
    pub http: Outbound,
    /// HubSpot's and Intuit's OAuth clients: consent URLs, code exchanges, refreshes, revocation.
    pub oauth: Arc<OAuthClients>,
    pub tokens: Arc<TokenBroker>,
    /// SQS, for the sync's job queue (`sync::SqsQueue::of`), which the schedule and the webhook route fill.
    pub sqs: aws_sdk_sqs::Client,
}

impl App {
    /// What `main.rs` calls: configuration from the environment, AWS clients from the Lambda's role (or
    /// `AWS_ENDPOINT_URL` locally), and the app credentials from Secrets Manager.
    pub async fn from_env() -> Result<Self, StartupError> {
        let config = Config::from_env()?;
        let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
        Self::new(config, &sdk).await
    }

    pub async fn new(config: Config, sdk: &SdkConfig) -> Result<Self, StartupError> {
        let secrets = aws_sdk_secretsmanager::Client::new(sdk);
        let raw = Vault::read_raw(&secrets, &config.app_secret_id).await?;
        let credentials = AppCredentials::from_json(&raw)?;
        let store = Store::new(aws_sdk_dynamodb::Client::new(sdk), &config.table_name);
        let vault = Vault::new(secrets, &config.token_secret_prefix);
        let http = Outbound::new();
        let oauth = Arc::new(OAuthClients {
            hubspot: crate::hubspot::oauth::client(&http, &config, &credentials),
            intuit: crate::quickbooks::oauth::client(&http, &config, &credentials),
        });
        let tokens = Arc::new(TokenBroker::new(
            vault.clone(),
            store.clone(),
            oauth.clone(),
            Arc::new(ConnectionRecords::new(store.clone())),
        ));
        Ok(Self {
            sqs: aws_sdk_sqs::Client::new(sdk),
            config,
            credentials,
            store,
            vault,
            http,
            oauth,
            tokens,
        })
    }

    /// The HubSpot API, called with `access_token`.
    pub fn hubspot_api<'a>(&'a self, access_token: &'a str) -> HubSpotApi<'a> {
        HubSpotApi {
            http: &self.http,
            base: &self.config.hubspot_api_base,
            access_token,
        }
    }

    /// A QuickBooks company's Accounting API in `environment`, called with `auth`.
    pub fn qbo_api<'a>(
        &'a self,
        environment: Environment,
        realm_id: &'a str,
        auth: Auth<'a>,
    ) -> QboApi<'a> {
        QboApi {
            http: &self.http,
            base: base_for(&self.config, environment),
            realm_id,
            auth,
        }
    }
}

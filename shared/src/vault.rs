//! Token sets in Secrets Manager: one secret per HubSpot install and per QuickBooks company, named
//! `<TOKEN_SECRET_PREFIX><id>` so IAM can grant exactly that prefix. Secrets Manager has no compare-and-swap;
//! writers serialise through a DynamoDB lease (see DESIGN.md, token refresh).

use aws_sdk_secretsmanager::config::http::HttpResponse;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, SdkError};
use aws_sdk_secretsmanager::operation::put_secret_value::PutSecretValueError;
use aws_sdk_secretsmanager::Client;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum VaultError {
    #[error("Secrets Manager {op} on {id} failed: {detail}")]
    Aws {
        op: &'static str,
        id: String,
        detail: String,
    },
    #[error("secret {id} does not hold a token set: {detail}")]
    Shape { id: String, detail: String },
}

/// A vault that fails is our infrastructure failing: logged in full, answered generically.
impl From<VaultError> for crate::error::AppError {
    fn from(e: VaultError) -> Self {
        crate::error::AppError::internal("token vault", e)
    }
}

/// An OAuth token set. `Debug` never prints a token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: DateTime<Utc>,
    /// QuickBooks says when the refresh token dies (`x_refresh_token_expires_in`); HubSpot does not.
    #[serde(default)]
    pub refresh_expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
pub struct Vault {
    client: Client,
    prefix: String,
}

impl Vault {
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        Self {
            client,
            prefix: prefix.into(),
        }
    }

    /// The secret name for a token-set id such as `hubspot-62515` or `qbo-62515-9130357`.
    pub fn secret_name(&self, id: &str) -> String {
        format!("{}{}", self.prefix, id)
    }

    pub async fn read(&self, id: &str) -> Result<Option<TokenSet>, VaultError> {
        let name = self.secret_name(id);
        match self.client.get_secret_value().secret_id(&name).send().await {
            Ok(out) => {
                let raw = out.secret_string.ok_or_else(|| VaultError::Shape {
                    id: name.clone(),
                    detail: "no SecretString".into(),
                })?;
                serde_json::from_str(&raw)
                    .map(Some)
                    .map_err(|e| VaultError::Shape {
                        id: name,
                        detail: e.to_string(),
                    })
            }
            Err(SdkError::ServiceError(e)) if e.err().is_resource_not_found_exception() => Ok(None),
            Err(e) => Err(aws("GetSecretValue", name, e)),
        }
    }

    /// Creates the secret, or stores a new version when it exists (a reconnect after a delete, or a refresh).
    pub async fn write(&self, id: &str, tokens: &TokenSet) -> Result<(), VaultError> {
        let name = self.secret_name(id);
        let body = serde_json::to_string(tokens).map_err(|e| VaultError::Shape {
            id: name.clone(),
            detail: e.to_string(),
        })?;
        match self.put_version(&name, &body).await {
            Ok(()) => return Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_resource_not_found_exception() => {}
            Err(e) => return Err(aws("PutSecretValue", name, e)),
        }
        match self
            .client
            .create_secret()
            .name(&name)
            .description(
                "OAuth token set of the HubSpot ⇄ QuickBooks integration; rotated by the app",
            )
            .secret_string(&body)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // A sibling created it between our two calls: store ours as the newest version.
            Err(SdkError::ServiceError(e)) if e.err().is_resource_exists_exception() => self
                .put_version(&name, &body)
                .await
                .map_err(|e| aws("PutSecretValue", name, e)),
            Err(e) => Err(aws("CreateSecret", name, e)),
        }
    }

    /// Stores `body` as the newest version of an existing secret.
    async fn put_version(
        &self,
        name: &str,
        body: &str,
    ) -> Result<(), SdkError<PutSecretValueError, HttpResponse>> {
        self.client
            .put_secret_value()
            .secret_id(name)
            .secret_string(body)
            .send()
            .await
            .map(|_| ())
    }

    /// Deletes the secret at once (no recovery window): a disconnected grant must not linger. Deleting a secret
    /// that does not exist succeeds, so a retried disconnect is harmless.
    pub async fn delete(&self, id: &str) -> Result<(), VaultError> {
        let name = self.secret_name(id);
        match self
            .client
            .delete_secret()
            .secret_id(&name)
            .force_delete_without_recovery(true)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_resource_not_found_exception() => Ok(()),
            Err(e) => Err(aws("DeleteSecret", name, e)),
        }
    }

    /// Reads a whole secret as text (the app-credentials secret is not a token set).
    pub async fn read_raw(client: &Client, secret_id: &str) -> Result<String, VaultError> {
        let out = client
            .get_secret_value()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|e| aws("GetSecretValue", secret_id.to_string(), e))?;
        out.secret_string.ok_or_else(|| VaultError::Shape {
            id: secret_id.into(),
            detail: "no SecretString".into(),
        })
    }
}

fn aws<E, R>(op: &'static str, id: String, err: SdkError<E, R>) -> VaultError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match &err {
        SdkError::ServiceError(e) => DisplayErrorContext(e.err()).to_string(),
        other => DisplayErrorContext(other).to_string(),
    };
    VaultError::Aws { op, id, detail }
}

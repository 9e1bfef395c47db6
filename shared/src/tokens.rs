//! Access tokens for every feature (C4), refreshed safely (DESIGN.md, "Token refresh"):
//! use a held or stored token while it has more than a margin left; otherwise take the DynamoDB lease
//! `LOCK#refresh#{id}`, re-read (a sibling may have refreshed), refresh only if still needed, persist the new set
//! (QuickBooks rotates refresh tokens: the old one dies) before using it, release. Inside one warm process a
//! per-grant mutex makes concurrent callers share one refresh.

use crate::error::AppError;
use crate::ids::RealmId;
use crate::oauth::{OAuthClient, OAuthClients, OAuthError};
use crate::store::keys;
use crate::store::{Store, StoreError};
use crate::vault::{TokenSet, Vault, VaultError};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use thiserror::Error;

/// Refresh when less than this is left, so a token never dies mid-request.
const MARGIN_S: i64 = 300;
/// Longer than one token call with its retries; a holder that dies frees the lease this much later.
const LEASE_MS: i64 = 15_000;
const WAIT_STEP_MS: u64 = 150;

/// Whose tokens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Grant {
    HubSpot { portal_id: u64 },
    QuickBooks { portal_id: u64, realm_id: RealmId },
}

impl Grant {
    /// The vault id (secret name suffix) of this grant.
    pub fn secret_id(&self) -> String {
        match self {
            Grant::HubSpot { portal_id } => format!("hubspot-{portal_id}"),
            Grant::QuickBooks {
                portal_id,
                realm_id,
            } => format!("qbo-{portal_id}-{realm_id}"),
        }
    }
}

#[derive(Debug, Error)]
pub enum TokenError {
    #[error("{0} is not connected")]
    NotConnected(String),
    #[error("the grant for {0} was revoked or has expired; reconnect it")]
    ReconnectNeeded(String),
    #[error(
        "another process is refreshing the tokens of {0} and did not finish in time; try again"
    )]
    Busy(String),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a feature answers when it cannot get a token: the user can act on every one of these.
impl From<TokenError> for AppError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::ReconnectNeeded(_) => AppError::reconnect_needed(),
            TokenError::NotConnected(_) => {
                AppError::NotFound("this company is not connected; connect it in the app settings".into())
            }
            TokenError::Busy(_) => AppError::Busy("another request is renewing this company's authorization; try again in a few seconds".into()),
            TokenError::OAuth(e) => AppError::upstream("OAuth", e),
            TokenError::Vault(e) => e.into(),
            TokenError::Store(e) => e.into(),
        }
    }
}

/// Whether a grant may still be used, as the records of connected companies say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Usable,
    /// Its refresh was refused: only the user reconnecting helps.
    ReconnectNeeded,
    /// Never connected, or disconnected.
    NotConnected,
}

/// The port to those records (kept with the connections): the broker asks before it calls Intuit with a
/// grant, and records a grant found dead, so every feature then answers "reconnect needed" at once.
#[async_trait]
pub trait GrantRecords: Send + Sync {
    async fn standing(&self, grant: &Grant) -> Result<Standing, StoreError>;
    async fn mark_reconnect_needed(&self, grant: &Grant) -> Result<(), StoreError>;
}

type Cell = Arc<tokio::sync::Mutex<Option<TokenSet>>>;

/// Held once per cold start (inside `App`), with what a refresh needs: the vault, the lease table, the
/// providers' OAuth clients and the grants' records.
pub struct TokenBroker {
    cells: Mutex<HashMap<Grant, Cell>>,
    vault: Vault,
    leases: Store,
    oauth: Arc<OAuthClients>,
    records: Arc<dyn GrantRecords>,
}

impl std::fmt::Debug for TokenBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenBroker")
    }
}

fn fresh(tokens: &TokenSet, now: DateTime<Utc>) -> bool {
    tokens.access_expires_at - now > Duration::seconds(MARGIN_S)
}

/// Fresh, and not the token the API just refused (revoked early, or our expiry is wrong): that one is dead
/// whatever its stored expiry says.
fn usable(tokens: &TokenSet, refused: Option<&str>, now: DateTime<Utc>) -> bool {
    fresh(tokens, now) && refused != Some(tokens.access_token.as_str())
}

impl TokenBroker {
    pub fn new(
        vault: Vault,
        leases: Store,
        oauth: Arc<OAuthClients>,
        records: Arc<dyn GrantRecords>,
    ) -> Self {
        Self {
            cells: Mutex::default(),
            vault,
            leases,
            oauth,
            records,
        }
    }

    fn client(&self, grant: &Grant) -> &OAuthClient {
        match grant {
            Grant::HubSpot { .. } => &self.oauth.hubspot,
            Grant::QuickBooks { .. } => &self.oauth.intuit,
        }
    }

    fn cell(&self, grant: &Grant) -> Cell {
        let mut cells = self.cells.lock().expect("token cells lock");
        cells.entry(grant.clone()).or_default().clone()
    }

    /// Forgets what this process holds for `grant` (after a disconnect or a reconnect).
    pub fn forget(&self, grant: &Grant) {
        self.cells.lock().expect("token cells lock").remove(grant);
    }

    /// Keeps the set a finished connect or install was granted, in place of anything held before.
    pub async fn keep(&self, grant: &Grant, tokens: &TokenSet) -> Result<(), VaultError> {
        self.vault.write(&grant.secret_id(), tokens).await?;
        self.forget(grant);
        Ok(())
    }

    /// Deletes a disconnected grant's tokens, here and in the vault.
    pub async fn discard(&self, grant: &Grant) -> Result<(), VaultError> {
        self.vault.delete(&grant.secret_id()).await?;
        self.forget(grant);
        Ok(())
    }

    /// A usable access token for `grant`.
    pub async fn access_token(&self, grant: &Grant) -> Result<String, TokenError> {
        let cell = self.cell(grant);
        let mut held = cell.lock().await;
        if let Some(t) = held.as_ref().filter(|t| fresh(t, Utc::now())) {
            return Ok(t.access_token.clone());
        }
        let tokens = self.obtain(grant, None).await?;
        let access = tokens.access_token.clone();
        *held = Some(tokens);
        Ok(access)
    }

    /// Another access token after the API refused `refused` although we believed it valid: refreshed once
    /// under the lease, unless a sibling (task or Lambda) already replaced it.
    pub async fn renew(&self, grant: &Grant, refused: &str) -> Result<String, TokenError> {
        let cell = self.cell(grant);
        let mut held = cell.lock().await;
        if let Some(t) = held
            .as_ref()
            .filter(|t| usable(t, Some(refused), Utc::now()))
        {
            return Ok(t.access_token.clone());
        }
        let tokens = self.obtain(grant, Some(refused)).await?;
        let access = tokens.access_token.clone();
        *held = Some(tokens);
        Ok(access)
    }

    /// QuickBooks no longer authorizes the app for this company (403 3100): it is "reconnect needed" (C4).
    pub async fn authorization_revoked(&self, grant: &Grant) -> Result<(), StoreError> {
        self.forget(grant);
        self.records.mark_reconnect_needed(grant).await
    }

    /// A grant that needs a reconnect (or was disconnected) is answered at once: asking Intuit again with
    /// a dead grant would fail the same way on every request.
    async fn ensure_usable(&self, grant: &Grant) -> Result<(), TokenError> {
        match self.records.standing(grant).await? {
            Standing::Usable => Ok(()),
            Standing::ReconnectNeeded => Err(TokenError::ReconnectNeeded(grant.secret_id())),
            Standing::NotConnected => Err(TokenError::NotConnected(grant.secret_id())),
        }
    }

    /// The stored set if usable, else a refreshed one, under the lease.
    async fn obtain(&self, grant: &Grant, refused: Option<&str>) -> Result<TokenSet, TokenError> {
        self.ensure_usable(grant).await?;
        let id = grant.secret_id();
        let owner = uuid::Uuid::new_v4().to_string();
        let deadline = Utc::now() + Duration::milliseconds(LEASE_MS * 2);
        loop {
            let stored = self
                .vault
                .read(&id)
                .await?
                .ok_or_else(|| TokenError::NotConnected(id.clone()))?;
            let now = Utc::now();
            if usable(&stored, refused, now) {
                return Ok(stored);
            }
            let lease_name = keys::token_refresh_lease(&id);
            if let Some(lease) = self
                .leases
                .acquire_lease(&lease_name, &owner, LEASE_MS, now.timestamp_millis())
                .await?
            {
                let outcome = self.refresh_under_lease(grant, &id, refused).await;
                if !self.leases.release_lease(&lease).await? {
                    tracing::warn!(grant = %id, "the refresh lease expired before release");
                }
                return outcome;
            }
            if Utc::now() > deadline {
                return Err(TokenError::Busy(id));
            }
            // A sibling holds the lease: wait for its new set to land in the vault.
            tokio::time::sleep(std::time::Duration::from_millis(WAIT_STEP_MS)).await;
        }
    }

    async fn refresh_under_lease(
        &self,
        grant: &Grant,
        id: &str,
        refused: Option<&str>,
    ) -> Result<TokenSet, TokenError> {
        // Re-read under the lease: the previous holder may have refreshed just before we took it.
        let mut stored = self
            .vault
            .read(id)
            .await?
            .ok_or_else(|| TokenError::NotConnected(id.to_string()))?;
        if usable(&stored, refused, Utc::now()) {
            return Ok(stored);
        }
        let mut tried_fresh_read = false;
        loop {
            match self.client(grant).refresh(&stored.refresh_token).await {
                Ok(answer) => {
                    let tokens = answer.token_set(Utc::now());
                    // Persist before use: once Intuit rotated, only the new refresh token works.
                    self.vault.write(id, &tokens).await?;
                    tracing::info!(grant = %id, "tokens refreshed");
                    return Ok(tokens);
                }
                Err(OAuthError::InvalidGrant { .. }) if !tried_fresh_read => {
                    // A holder whose lease ran out may have rotated the token after our read.
                    tried_fresh_read = true;
                    let again = self
                        .vault
                        .read(id)
                        .await?
                        .ok_or_else(|| TokenError::NotConnected(id.to_string()))?;
                    if again.refresh_token == stored.refresh_token {
                        self.records.mark_reconnect_needed(grant).await?;
                        return Err(TokenError::ReconnectNeeded(id.to_string()));
                    }
                    if usable(&again, refused, Utc::now()) {
                        return Ok(again);
                    }
                    stored = again;
                }
                Err(OAuthError::InvalidGrant { .. }) => {
                    self.records.mark_reconnect_needed(grant).await?;
                    return Err(TokenError::ReconnectNeeded(id.to_string()));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

//! QuickBooks companies connected to a HubSpot account (`PORTAL#{portalId}` / `QBO#{realmId}`), with the
//! reverse look-up `REALM#{realmId}` in `gsi1` for webhooks and the sync.

use crate::ids::RealmId;
use crate::quickbooks::CompanyProfile;
use crate::store::{keys, Extras, Put, Store, StoreError};
use crate::tokens::{Grant, GrantRecords, Standing};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which QuickBooks a company lives in; a connection keeps it.
pub use crate::quickbooks::api::Environment;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    /// The grant was revoked or expired (`invalid_grant`); the user must reconnect.
    ReconnectNeeded,
    /// Disconnected by the user; kept for history.
    Disconnected,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub portal_id: u64,
    pub realm_id: RealmId,
    /// Name, country, currency and the preferences that shape documents, read at connect time.
    pub profile: CompanyProfile,
    pub environment: Environment,
    pub status: Status,
    pub connected_at: DateTime<Utc>,
    #[serde(default)]
    pub last_success_at: Option<DateTime<Utc>>,
}

impl Connection {
    pub async fn save(&self, store: &Store, now_epoch: i64) -> Result<(), StoreError> {
        let extras = Extras {
            gsi1: Some(keys::realm_index(&self.realm_id, self.portal_id.into())),
            expires_at: None,
        };
        let key = keys::connection(self.portal_id.into(), &self.realm_id);
        store
            .put(&key, self, &extras, Put::Always, now_epoch)
            .await?;
        Ok(())
    }

    /// The companies of one HubSpot account, in realm order.
    pub async fn list_for_portal(
        store: &Store,
        portal_id: u64,
        now_epoch: i64,
    ) -> Result<Vec<Connection>, StoreError> {
        store
            .query_prefix(&keys::connections_of(portal_id.into()), now_epoch)
            .await
    }

    /// The HubSpot accounts a company is connected to (a webhook names only the company).
    pub async fn list_for_realm(
        store: &Store,
        realm_id: &RealmId,
        now_epoch: i64,
    ) -> Result<Vec<Connection>, StoreError> {
        store
            .query_index(&keys::realm_connections(realm_id), now_epoch)
            .await
    }

    /// Every connection of every HubSpot account (the sync's work list).
    pub async fn list_all(store: &Store, now_epoch: i64) -> Result<Vec<Connection>, StoreError> {
        store
            .scan_index_prefix(keys::REALM_INDEX_PREFIX, now_epoch)
            .await
    }
}

/// The connections as the token broker asks them about a grant (C4). A HubSpot grant has no record here:
/// it is usable until HubSpot refuses it, and a dead one means reinstalling, not reconnecting.
pub struct ConnectionRecords {
    store: Store,
}

impl ConnectionRecords {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl GrantRecords for ConnectionRecords {
    async fn standing(&self, grant: &Grant) -> Result<Standing, StoreError> {
        let Grant::QuickBooks {
            portal_id,
            realm_id,
        } = grant
        else {
            return Ok(Standing::Usable);
        };
        let key = keys::connection((*portal_id).into(), realm_id);
        let connection = self
            .store
            .get::<Connection>(&key, Utc::now().timestamp())
            .await?;
        Ok(match connection.map(|c| c.status) {
            Some(Status::Active) => Standing::Usable,
            Some(Status::ReconnectNeeded) => Standing::ReconnectNeeded,
            Some(Status::Disconnected) | None => Standing::NotConnected,
        })
    }

    async fn mark_reconnect_needed(&self, grant: &Grant) -> Result<(), StoreError> {
        let Grant::QuickBooks {
            portal_id,
            realm_id,
        } = grant
        else {
            return Ok(());
        };
        let now = Utc::now().timestamp();
        let key = keys::connection((*portal_id).into(), realm_id);
        if let Some(mut c) = self.store.get::<Connection>(&key, now).await? {
            if c.status == Status::Active {
                c.status = Status::ReconnectNeeded;
                c.save(&self.store, now).await?;
                tracing::warn!(portal_id, realm_id = %realm_id, "QuickBooks grant is dead: reconnect needed");
            }
        }
        Ok(())
    }
}

/// A company as the card, the settings page and the connections API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySummary {
    pub realm_id: RealmId,
    pub name: String,
    pub environment: Environment,
    pub status: Status,
    pub last_success_at: Option<DateTime<Utc>>,
}

impl From<&Connection> for CompanySummary {
    fn from(c: &Connection) -> Self {
        Self {
            realm_id: c.realm_id.clone(),
            name: c.profile.name.clone(),
            environment: c.environment,
            status: c.status,
            last_success_at: c.last_success_at,
        }
    }
}

/// An installed portal and its companies; an unknown portal is an error the caller can act on.
pub async fn installed_portal(
    store: &Store,
    portal_id: u64,
    now_epoch: i64,
) -> Result<(crate::installs::Install, Vec<Connection>), crate::AppError> {
    let install = crate::installs::Install::require(store, portal_id, now_epoch).await?;
    Ok((
        install,
        Connection::list_for_portal(store, portal_id, now_epoch).await?,
    ))
}

/// The companies of an installed portal.
pub async fn companies_of_installed_portal(
    store: &Store,
    portal_id: u64,
    now_epoch: i64,
) -> Result<Vec<Connection>, crate::AppError> {
    Ok(installed_portal(store, portal_id, now_epoch).await?.1)
}

/// The companies of an installed portal as the card and settings page list them.
pub async fn company_summaries(
    store: &Store,
    portal_id: u64,
    now_epoch: i64,
) -> Result<Vec<CompanySummary>, crate::AppError> {
    let companies = companies_of_installed_portal(store, portal_id, now_epoch).await?;
    Ok(companies.iter().map(CompanySummary::from).collect())
}

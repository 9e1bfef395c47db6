//! HubSpot installs (`PORTAL#{portalId}` / `INSTALL`): a portal exists for us only once it installed the app.

use crate::error::AppError;
use crate::store::{keys, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Install {
    pub portal_id: u64,
    pub installed_at: DateTime<Utc>,
    /// The HubSpot account's company currency (ISO 4217); deal properties only take invoices in it (I12).
    pub company_currency: String,
}

impl Install {
    pub async fn save(&self, store: &Store, now_epoch: i64) -> Result<(), StoreError> {
        let key = keys::install(self.portal_id.into());
        store.save(&key, self, now_epoch).await
    }

    /// The install of a signed request's portal, or the "install the app first" error.
    pub async fn require(
        store: &Store,
        portal_id: u64,
        now_epoch: i64,
    ) -> Result<Install, AppError> {
        store
            .get(&keys::install(portal_id.into()), now_epoch)
            .await?
            .ok_or(AppError::UnknownPortal(portal_id))
    }
}

//! HubSpot installs (`PORTAL#{portalId}` / `INSTALL`): a portal exists for us only once it installed the app.

use crate::error::AppError;
use crate::store::{Key, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Install {
    pub portal_id: u64,
    pub installed_at: DateTime<Utc>,
    /// The HubSpot account's company currency (ISO 4217); deal properties only take invoices in it (I12).
    pub company_currency: String,
}

fn install_key(portal_id: u64) -> Key {
    Key::new(format!("PORTAL#{portal_id}"), "INSTALL")
}

impl Install {
    pub async fn save(&self, store: &Store, now_epoch: i64) -> Result<(), StoreError> {
        let key = install_key(self.portal_id);
        store.save(&key, self, now_epoch).await
    }

    /// The install of a signed request's portal, or the "install the app first" error.
    pub async fn require(
        store: &Store,
        portal_id: u64,
        now_epoch: i64,
    ) -> Result<Install, AppError> {
        store
            .get(&install_key(portal_id), now_epoch)
            .await?
            .ok_or(AppError::UnknownPortal(portal_id))
    }
}

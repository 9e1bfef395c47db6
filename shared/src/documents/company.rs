//! The two APIs a feature talks to for one HubSpot account: a connected QuickBooks company and HubSpot,
//! each opened with a usable access token.

use crate::connections::{Connection, Status};
use crate::hubspot::HubSpotApi;
use crate::ids::RealmId;
use crate::installs::Install;
use crate::quickbooks::api::Auth;
use crate::quickbooks::QboApi;
use crate::store::keys;
use crate::tokens::Grant;
use crate::{App, AppError};
use chrono::Utc;

/// A connected QuickBooks company with an access token (renewed in place if QuickBooks refuses it).
pub struct Company {
    pub connection: Connection,
    grant: Grant,
    token: std::sync::Mutex<String>,
}

impl Company {
    /// The company `realm_id` of `portal_id`, if connected and healthy (C3, C4). The handlers' way in, so
    /// the realm id a request names is parsed here.
    pub async fn open(app: &App, portal_id: u64, realm_id: &str) -> Result<Self, AppError> {
        let realm_id = RealmId::parse(realm_id)?;
        let now = Utc::now().timestamp();
        let connection: Connection = app
            .store
            .get(&keys::connection(portal_id.into(), &realm_id), now)
            .await?
            .filter(|c: &Connection| c.status != Status::Disconnected)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "QuickBooks company {realm_id} is not connected to this HubSpot account; connect it in the app settings"
                ))
            })?;
        if connection.status == Status::ReconnectNeeded {
            return Err(AppError::ReconnectNeeded(format!(
                "QuickBooks refused {}'s authorization (revoked or expired); reconnect it in the app settings",
                connection.profile.name
            )));
        }
        crate::http::record_realm(&realm_id);
        let grant = Grant::QuickBooks {
            portal_id,
            realm_id,
        };
        let token = app.tokens.access_token(&grant).await?;
        Ok(Self {
            connection,
            grant,
            token: std::sync::Mutex::new(token),
        })
    }

    pub fn api<'a>(&'a self, app: &'a App) -> QboApi<'a> {
        app.qbo_api(
            self.connection.environment,
            &self.connection.realm_id,
            Auth::Grant {
                tokens: &app.tokens,
                grant: &self.grant,
                held: &self.token,
            },
        )
    }

    pub fn realm_id(&self) -> &RealmId {
        &self.connection.realm_id
    }
}

/// An installed HubSpot account with an access token.
pub struct HubSpot {
    pub install: Install,
    token: String,
}

impl HubSpot {
    pub async fn open(app: &App, portal_id: u64) -> Result<Self, AppError> {
        let install = Install::require(&app.store, portal_id, Utc::now().timestamp()).await?;
        let token = app
            .tokens
            .access_token(&Grant::HubSpot { portal_id })
            .await?;
        Ok(Self { install, token })
    }

    pub fn api<'a>(&'a self, app: &'a App) -> HubSpotApi<'a> {
        app.hubspot_api(&self.token)
    }
}

//! Installing the HubSpot app (C1) and connecting, reconnecting and disconnecting QuickBooks companies
//! (C2, C3, B5). Browser round trips carry a single-use `state` (10 minutes) that binds the callback to
//! what started it: an install, or a connect for one portal, environment and (for a reconnect) company.

use crate::connections::{Connection, Environment, Status};
use crate::error::{AppError, ErrorCode};
use crate::hubspot::HubSpotApi;
use crate::ids::{RealmId, StateNonce};
use crate::installs::Install;
use crate::oauth::OAuthError;
use crate::quickbooks::api::Auth;
use crate::store::keys;
use crate::sync::apply::ApplyError;
use crate::tokens::Grant;
use crate::App;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

const STATE_TTL_S: i64 = 600;
pub const HUBSPOT_CALLBACK: &str = "/oauth/hubspot/callback";
pub const QUICKBOOKS_CALLBACK: &str = "/oauth/quickbooks/callback";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OAuthState {
    HubSpotInstall,
    QuickBooksConnect {
        portal_id: u64,
        environment: Environment,
        /// Set for a reconnect: the callback must come back with this company.
        realm_id: Option<RealmId>,
    },
}

async fn new_state(app: &App, state: &OAuthState, now: DateTime<Utc>) -> Result<String, AppError> {
    let nonce = StateNonce::random();
    let now_s = now.timestamp();
    if !app
        .store
        .put_single_use(
            &keys::oauth_state(&nonce),
            state,
            now_s + STATE_TTL_S,
            now_s,
        )
        .await?
    {
        return Err(AppError::Conflict(
            "could not create a unique OAuth state; try again".into(),
        ));
    }
    Ok(nonce.to_string())
}

/// Takes the state once; unknown, used and expired states are all the same refusal.
async fn take_state(app: &App, nonce: &str, now: DateTime<Utc>) -> Result<OAuthState, AppError> {
    let refused = || {
        AppError::BadRequest(
            "this sign-in link has expired or was already used; start again".into(),
        )
    };
    let nonce = StateNonce::parse(nonce).map_err(|_| refused())?;
    app.store
        .take_once(&keys::oauth_state(&nonce), now.timestamp())
        .await?
        .ok_or_else(refused)
}

fn oauth_error(e: OAuthError) -> AppError {
    match e {
        OAuthError::InvalidGrant { .. } => AppError::BadRequest(
            "the authorization code was refused (expired or already used); start again".into(),
        ),
        other => AppError::upstream("OAuth", other),
    }
}

/// Step 1 of the install: where to send the browser.
pub async fn hubspot_install_url(
    app: &App,
    base: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let state = new_state(app, &OAuthState::HubSpotInstall, now).await?;
    Ok(app
        .oauth
        .hubspot
        .authorize_url(&format!("{base}{HUBSPOT_CALLBACK}"), &state))
}

/// What a finished install tells the user, with the links to connect QuickBooks.
#[derive(Debug, Serialize)]
pub struct Installed {
    pub portal_id: u64,
    pub company_currency: String,
    pub connect_production_url: String,
    pub connect_sandbox_url: String,
}

/// Step 2 of the install: check the state, exchange the code, learn the portal and its currency, create our
/// deal properties and the sync's, then store the tokens and the install (only after every upstream call
/// succeeded).
pub async fn finish_hubspot_install(
    app: &App,
    base: &str,
    code: &str,
    state: &str,
    now: DateTime<Utc>,
) -> Result<Installed, AppError> {
    if take_state(app, state, now).await? != OAuthState::HubSpotInstall {
        return Err(AppError::BadRequest(
            "this link does not belong to a HubSpot install; start again".into(),
        ));
    }
    let answer = app
        .oauth
        .hubspot
        .exchange_code(code, &format!("{base}{HUBSPOT_CALLBACK}"))
        .await
        .map_err(oauth_error)?;
    let portal_id = answer
        .hub_id
        .ok_or_else(|| AppError::upstream("HubSpot OAuth", "the token answer has no hub_id"))?;
    let api = app.hubspot_api(&answer.access_token);
    let account = api
        .account_details()
        .await
        .map_err(|e| AppError::upstream("HubSpot", e))?;
    api.ensure_deal_properties()
        .await
        .map_err(|e| AppError::upstream("HubSpot", e))?;
    sync_properties(app, &api, portal_id).await?;

    let grant = Grant::HubSpot { portal_id };
    app.tokens.keep(&grant, &answer.token_set(now)).await?;
    let install = Install {
        portal_id,
        installed_at: now,
        company_currency: account.company_currency,
    };
    install.save(&app.store, now.timestamp()).await?;
    Ok(Installed {
        portal_id,
        company_currency: install.company_currency,
        connect_production_url: quickbooks_connect_url(
            app,
            base,
            portal_id,
            Environment::Production,
            None,
            now,
        )
        .await?,
        connect_sandbox_url: quickbooks_connect_url(
            app,
            base,
            portal_id,
            Environment::Sandbox,
            None,
            now,
        )
        .await?,
    })
}

/// The sync's properties (issue 12). HubSpot throttling or down does not fail the install: the sync creates
/// them before its first run. A refusal (a missing scope, a property HubSpot will not take) would refuse the
/// sync too, so the install fails with HubSpot's reason and stores nothing.
async fn sync_properties(app: &App, api: &HubSpotApi<'_>, portal_id: u64) -> Result<(), AppError> {
    match crate::sync::properties::ensure(app, api, portal_id).await {
        Ok(()) => Ok(()),
        Err(ApplyError::HubSpot(e)) if e.is_transient() => {
            tracing::warn!(error = %e, portal_id, "sync properties left to the first sync");
            Ok(())
        }
        Err(ApplyError::HubSpot(e)) => Err(AppError::refused(
            ErrorCode::HubSpotRejected,
            format!(
                "HubSpot refused to create the properties the sync writes ({e}); check that the app was granted every permission it asks for, then install it again"
            ),
        )),
        Err(ApplyError::Store(e)) => Err(e.into()),
    }
}

/// A one-time Intuit consent URL bound to `portal_id` and `environment` (and to `realm_id` for a reconnect).
pub async fn quickbooks_connect_url(
    app: &App,
    base: &str,
    portal_id: u64,
    environment: Environment,
    realm_id: Option<RealmId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    Install::require(&app.store, portal_id, now.timestamp()).await?;
    let state = new_state(
        app,
        &OAuthState::QuickBooksConnect {
            portal_id,
            environment,
            realm_id,
        },
        now,
    )
    .await?;
    Ok(app
        .oauth
        .intuit
        .authorize_url(&format!("{base}{QUICKBOOKS_CALLBACK}"), &state))
}

/// A reconnect URL for a company the portal already has.
pub async fn quickbooks_reconnect_url(
    app: &App,
    base: &str,
    portal_id: u64,
    realm_id: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let connection = existing_connection(app, portal_id, realm_id, now).await?;
    quickbooks_connect_url(
        app,
        base,
        portal_id,
        connection.environment,
        Some(connection.realm_id),
        now,
    )
    .await
}

/// The Intuit callback: check the state, exchange the code, read the company's profile, store the grant and
/// the connection. The same company again (reconnect) refreshes the grant in place.
pub async fn finish_quickbooks_connect(
    app: &App,
    base: &str,
    code: &str,
    state: &str,
    realm_id: &str,
    now: DateTime<Utc>,
) -> Result<Connection, AppError> {
    let OAuthState::QuickBooksConnect {
        portal_id,
        environment,
        realm_id: expected,
    } = take_state(app, state, now).await?
    else {
        return Err(AppError::BadRequest(
            "this link does not belong to a QuickBooks connect; start again".into(),
        ));
    };
    let realm_id = RealmId::parse(realm_id)
        .map_err(|_| AppError::BadRequest("the callback has no valid realmId".into()))?;
    if expected.as_ref().is_some_and(|r| *r != realm_id) {
        return Err(AppError::BadRequest(
            "you signed in to a different QuickBooks company than the one to reconnect; start again and pick the same company".into(),
        ));
    }
    let answer = app
        .oauth
        .intuit
        .exchange_code(code, &format!("{base}{QUICKBOOKS_CALLBACK}"))
        .await
        .map_err(oauth_error)?;
    let profile = app
        .qbo_api(environment, &realm_id, Auth::Token(&answer.access_token))
        .company_profile()
        .await
        .map_err(|e| AppError::upstream("QuickBooks", e))?;

    let grant = Grant::QuickBooks {
        portal_id,
        realm_id: realm_id.clone(),
    };
    app.tokens.keep(&grant, &answer.token_set(now)).await?;
    let key = keys::connection(portal_id.into(), &realm_id);
    let previous: Option<Connection> = app.store.get(&key, now.timestamp()).await?;
    let connection = Connection {
        portal_id,
        realm_id,
        profile,
        environment,
        status: Status::Active,
        connected_at: previous.as_ref().map(|c| c.connected_at).unwrap_or(now),
        last_success_at: Some(now),
    };
    connection.save(&app.store, now.timestamp()).await?;
    Ok(connection)
}

async fn existing_connection(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    now: DateTime<Utc>,
) -> Result<Connection, AppError> {
    Install::require(&app.store, portal_id, now.timestamp()).await?;
    let realm_id = RealmId::parse(realm_id)?;
    app.store
        .get(
            &keys::connection(portal_id.into(), &realm_id),
            now.timestamp(),
        )
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "QuickBooks company {realm_id} is not connected to this HubSpot account"
            ))
        })
}

/// Disconnects: revoke at Intuit, delete the secret, keep the connection as history marked disconnected.
pub async fn disconnect(
    app: &App,
    portal_id: u64,
    realm_id: &str,
    now: DateTime<Utc>,
) -> Result<Connection, AppError> {
    let mut connection = existing_connection(app, portal_id, realm_id, now).await?;
    let grant = Grant::QuickBooks {
        portal_id,
        realm_id: connection.realm_id.clone(),
    };
    if let Some(tokens) = app.vault.read(&grant.secret_id()).await? {
        app.oauth
            .intuit
            .revoke(&tokens.refresh_token)
            .await
            .map_err(|e| AppError::upstream("Intuit OAuth", e))?;
    }
    app.tokens.discard(&grant).await?;
    connection.status = Status::Disconnected;
    connection.save(&app.store, now.timestamp()).await?;
    Ok(connection)
}

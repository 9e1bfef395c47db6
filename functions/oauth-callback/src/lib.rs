//! The OAuth callback function: the browser legs of installing the HubSpot app and connecting QuickBooks
//! companies under `/oauth/`, and the signed connections API under `/connections` that the settings page and
//! the card call, the account's settings under `/settings`, the sync's settings and health under `/sync`
//! (SYNC_API.md), and Intuit's webhook (`/webhooks/quickbooks`), the other public route that Intuit, not
//! HubSpot, signs.

mod browser;
mod connections;
mod settings;
mod sync;
mod webhook;

use connections::Connections;
use lambda_http::{Body, Request, Response};
use settings::SettingsCall;
use shared::connect::{HUBSPOT_CALLBACK, QUICKBOOKS_CALLBACK};
use shared::http::{self, Found, NoRoute, Params, Route, Routes, VerifiedCaller};
use shared::sync::{JobQueue, SqsQueue};
use shared::{App, AppError};
use sync::SyncCall;

/// What serves a path: a browser leg of OAuth (a redirect or an HTML page a person can act on), or the JSON
/// API the settings page and the card call through `hubspot.fetch`, signed by HubSpot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Served {
    Page(browser::Page),
    Api(Api),
    /// Intuit's change notifications, signed with the app's verifier token.
    Webhook,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    Connections(Connections),
    Settings(SettingsCall),
    Sync(SyncCall),
}

static ROUTES: Routes<Served> = Routes::new(&[
    Route::get(
        "/oauth/hubspot/install",
        Served::Page(browser::Page::Install),
    ),
    Route::get(
        HUBSPOT_CALLBACK,
        Served::Page(browser::Page::HubSpotCallback),
    ),
    Route::get(
        QUICKBOOKS_CALLBACK,
        Served::Page(browser::Page::QuickBooksCallback),
    ),
    Route::get(
        "/connections",
        Served::Api(Api::Connections(Connections::List)),
    ),
    Route::post(
        "/connections/connect-url",
        Served::Api(Api::Connections(Connections::ConnectUrl)),
    ),
    Route::delete(
        "/connections/{realmId}",
        Served::Api(Api::Connections(Connections::Disconnect)),
    ),
    Route::post(
        "/connections/{realmId}/reconnect",
        Served::Api(Api::Connections(Connections::Reconnect)),
    ),
    Route::get("/settings", Served::Api(Api::Settings(SettingsCall::Read))),
    Route::put(
        "/settings",
        Served::Api(Api::Settings(SettingsCall::Replace)),
    ),
    Route::get(
        "/settings/income-accounts",
        Served::Api(Api::Settings(SettingsCall::IncomeAccounts)),
    ),
    Route::get(
        "/sync/settings",
        Served::Api(Api::Sync(SyncCall::ReadSettings)),
    ),
    Route::put(
        "/sync/settings",
        Served::Api(Api::Sync(SyncCall::SaveSettings)),
    ),
    Route::post(
        "/sync/settings/reset",
        Served::Api(Api::Sync(SyncCall::Reset)),
    ),
    Route::get("/sync/fields", Served::Api(Api::Sync(SyncCall::Fields))),
    Route::post("/sync/resync", Served::Api(Api::Sync(SyncCall::Resync))),
    Route::get("/sync/health", Served::Api(Api::Sync(SyncCall::Health))),
    Route::get("/sync/failures", Served::Api(Api::Sync(SyncCall::Failures))),
    Route::post(
        "/sync/failures/retry",
        Served::Api(Api::Sync(SyncCall::Retry)),
    ),
    Route::post("/webhooks/quickbooks", Served::Webhook),
]);

/// Serves a request with the sync's job queue the app is configured with (`SYNC_QUEUE_URL`), if any.
pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, lambda_http::Error> {
    let queue = SqsQueue::of(app);
    handle_with(app, queue.as_ref().map(|q| q as &dyn JobQueue), req).await
}

/// The same, with the sync's job queue for the calls that queue work (the webhook, resync, retry); without
/// one they answer a 500 that says the queue is not configured.
pub async fn handle_with(
    app: &App,
    queue: Option<&dyn JobQueue>,
    req: Request,
) -> Result<Response<Body>, lambda_http::Error> {
    let api = match ROUTES.resolve(&req) {
        Ok(Found {
            handler: Served::Api(api),
            params,
        }) => Ok((api, params)),
        Ok(Found {
            handler: Served::Page(page),
            ..
        }) => return Ok(browser::serve(app, &req, Ok(page)).await),
        Ok(Found {
            handler: Served::Webhook,
            ..
        }) => return http::respond(&req, webhook::serve(app, queue, &req)).await,
        Err(miss) if miss.path_handler() == Some(Served::Webhook) => return Ok(miss.answer()),
        Err(miss) if is_page(&miss, &req) => return Ok(browser::serve(app, &req, Err(miss)).await),
        Err(miss) => Err(miss),
    };
    http::respond(&req, signed(app, queue, &req, api)).await
}

/// Whether a request without a route is a browser's: the path's own routes say so, and an unknown path is one
/// unless it lies under the API's prefixes (where an unsigned caller must learn nothing, not even a 404).
fn is_page(miss: &NoRoute<Served>, req: &Request) -> bool {
    match miss.path_handler() {
        Some(served) => matches!(served, Served::Page(_)),
        None => {
            let path = req.uri().path();
            !["/connections", "/settings", "/sync"]
                .iter()
                .any(|api| path == *api || path.starts_with(&format!("{api}/")))
        }
    }
}

/// The signed API: verified before anything else, a 404 or 405 included.
async fn signed(
    app: &App,
    queue: Option<&dyn JobQueue>,
    req: &Request,
    api: Result<(Api, Params), NoRoute<Served>>,
) -> Result<Response<Body>, AppError> {
    let caller = VerifiedCaller::of_fetch(app, req)?;
    let (api, params) = match api {
        Ok(found) => found,
        Err(miss) => return Ok(miss.answer()),
    };
    match api {
        Api::Connections(call) => connections::serve(app, req, caller, call, &params).await,
        Api::Settings(call) => settings::serve(app, req, caller, call).await,
        Api::Sync(call) => sync::serve(app, queue, req, caller, call).await,
    }
}

//! A QuickBooks Online simulator: Intuit OAuth (authorize, token, revoke) and the Accounting API under
//! `/v3/company/{realmId}/`, built from `../shared/reference/quickbooks-api.md`. One base URL stands in for every
//! Intuit host (the paths are the real ones). A control API under `/_sim/` resets, seeds, reads the request
//! log, injects faults and moves the clock. See `README.md` for every endpoint and rule.

mod amounts;
mod api;
mod batch;
mod calls;
mod cdc;
mod clock;
mod control;
mod faults;
mod generate;
mod limits;
mod oauth;
mod pdf;
mod query;
mod rules;
mod state;
mod webhooks;
mod wire;
mod writes;

pub use calls::Calls;
pub use generate::{Generate, GENERATED_REALM};
pub use limits::RateLimits;
pub use sim_kit::{FaultKind, FaultRule, LoggedRequest};
pub use state::{CompanySeed, Seed, Sim};
pub use webhooks::{sign as sign_webhook, Attempt, Endpoint, Format};

use axum::routing::{any, get, post};
use sim_kit::{Server, Shared};
use std::sync::{Arc, Mutex};

/// The app credentials the simulator accepts unless a seed says otherwise.
pub const CLIENT_ID: &str = "test-intuit-client-id";
pub const CLIENT_SECRET: &str = "test-intuit-client-secret";
/// Intuit access tokens live an hour (quickbooks-api.md §1).
const ACCESS_TTL_S: i64 = 3600;

/// A running simulator on 127.0.0.1; stopped when dropped.
pub struct QboSim {
    server: Server,
    state: Shared<Sim>,
    deliverer: tokio::task::JoinHandle<()>,
}

impl Drop for QboSim {
    fn drop(&mut self) {
        self.deliverer.abort();
    }
}

impl QboSim {
    /// Starts on an ephemeral loopback port.
    pub async fn start(seed: Seed) -> std::io::Result<Self> {
        Self::start_on(0, seed).await
    }

    pub async fn start_on(port: u16, seed: Seed) -> std::io::Result<Self> {
        let sim =
            Sim::new(seed).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let state: Shared<Sim> = Arc::new(Mutex::new(sim));
        let server = Server::start(port, router(state.clone())).await?;
        let deliverer = tokio::spawn(webhooks::deliver(state.clone()));
        Ok(Self {
            server,
            state,
            deliverer,
        })
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Stops the server (dropping the handle does the same, so a failing test never leaks one).
    pub fn stop(self) {}

    /// Every request the simulator received (control calls excluded), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.with_state(|s| s.recorder.log.clone())
    }

    /// How many requests matched `method` and a path containing `path_part`.
    pub fn count(&self, method: &str, path_part: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path.contains(path_part))
            .count()
    }

    /// The calls received, by kind; with `realm`, only that company's.
    pub fn calls(&self, realm: Option<&str>) -> Calls {
        self.with_state(|s| Calls::count(&s.recorder.log, realm))
    }

    /// An access token for `realm`, as a finished OAuth connect would hold, for tests of the company API
    /// (the OAuth endpoints have their own tests).
    pub fn issue_access_token(&self, realm: &str) -> String {
        self.with_state(|s| s.issue_tokens(realm).0)
    }

    /// A whole grant for `realm`: (access token, refresh token), as the token endpoint issues them.
    pub fn issue_grant(&self, realm: &str) -> (String, String) {
        self.with_state(|s| s.issue_tokens(realm))
    }

    /// Sends change notifications to `endpoint` from now on (`POST /_sim/webhooks` over HTTP).
    pub fn send_webhooks_to(&self, endpoint: Endpoint) {
        self.with_state(|s| s.webhooks.endpoint = Some(endpoint));
    }

    /// Every webhook delivery attempt so far, oldest first.
    pub fn webhook_attempts(&self) -> Vec<Attempt> {
        self.with_state(|s| s.webhooks.attempts.clone())
    }

    /// Notifications not yet answered 200 (gathering, queued or being retried).
    pub fn webhooks_undelivered(&self) -> usize {
        self.with_state(|s| s.undelivered_webhooks())
    }

    /// Direct access for assertions and set-up.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut Sim) -> T) -> T {
        f(&mut sim_kit::lock(&self.state))
    }
}

fn router(state: Shared<Sim>) -> axum::Router {
    axum::Router::new()
        .route("/connect/oauth2", get(oauth::authorize))
        .route("/oauth2/v1/tokens/bearer", post(oauth::token))
        .route("/v2/oauth2/tokens/revoke", post(oauth::revoke))
        .route("/v3/company/{realm}/{*rest}", any(api::company))
        .merge(control::routes())
        .fallback(api::unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sim_kit::middleware::<Sim>,
        ))
        .layer(axum::middleware::from_fn(intuit_tid))
        .with_state(state)
}

/// Every QuickBooks answer, faults and throttling included, names its transaction for Intuit support.
async fn intuit_tid(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let tid = format!("1-{}", uuid::Uuid::new_v4().simple());
    res.headers_mut().insert(
        "intuit_tid",
        axum::http::HeaderValue::from_str(&tid).expect("ascii"),
    );
    res
}

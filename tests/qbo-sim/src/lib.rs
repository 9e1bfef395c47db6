//! A QuickBooks Online simulator: Intuit OAuth (authorize, token, revoke) and the Accounting API under
//! `/v3/company/{realmId}/`, built from `../shared/reference/quickbooks-api.md`. One base URL stands in for every
//! Intuit host (the paths are the real ones). A control API under `/_sim/` resets, seeds, reads the request
//! log, injects faults and moves the clock. See `README.md` for every endpoint and rule.

mod api;
mod control;
mod faults;
mod oauth;
mod state;

pub use state::{LoggedRequest, Seed};

use axum::routing::{any, get, post};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub type Shared = Arc<Mutex<state::Sim>>;

/// The app credentials the simulator accepts unless a seed says otherwise.
pub const CLIENT_ID: &str = "test-intuit-client-id";
pub const CLIENT_SECRET: &str = "test-intuit-client-secret";

/// A running simulator on 127.0.0.1; stopped when dropped.
pub struct QboSim {
    addr: SocketAddr,
    state: Shared,
    stop: Option<oneshot::Sender<()>>,
}

impl QboSim {
    /// Starts on an ephemeral loopback port.
    pub async fn start(seed: Seed) -> std::io::Result<Self> {
        Self::start_on(0, seed).await
    }

    pub async fn start_on(port: u16, seed: Seed) -> std::io::Result<Self> {
        let state: Shared = Arc::new(Mutex::new(state::Sim::new(seed)));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request the simulator received (control calls excluded), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.lock().expect("sim lock").log.clone()
    }

    /// How many requests matched `method` and a path containing `path_part`.
    pub fn count(&self, method: &str, path_part: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path.contains(path_part))
            .count()
    }

    /// Direct access for assertions and set-up.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut state::Sim) -> T) -> T {
        f(&mut self.state.lock().expect("sim lock"))
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for QboSim {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn router(state: Shared) -> axum::Router {
    axum::Router::new()
        .route("/connect/oauth2", get(oauth::authorize))
        .route("/oauth2/v1/tokens/bearer", post(oauth::token))
        .route("/v2/oauth2/tokens/revoke", post(oauth::revoke))
        .route("/v3/company/{realm}/{*rest}", any(api::company))
        .merge(control::routes())
        .fallback(api::unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::middleware,
        ))
        .with_state(state)
}

//! A HubSpot simulator built from `../shared/reference/hubspot-api.md`: OAuth (authorize, v1/v3/date-versioned
//! token endpoints), account details, and CRM properties and property groups, with HubSpot's error bodies and
//! its per-account burst limit. The control API (`/_sim/`) resets, reads the request log, injects faults and
//! moves the clock. See `README.md` for every endpoint and rule.

mod api;
mod associations;
mod callbacks;
mod caller;
mod crm;
mod oauth;
mod state;

pub use caller::{signature as caller_signature, ActionExecution, HubSpotCaller, Sent};

pub use state::{Seed, Sim};

use axum::routing::{get, post};
use sim_kit::{Server, Shared};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "test-hubspot-client-id";
pub const CLIENT_SECRET: &str = "test-hubspot-client-secret";

/// A running simulator on 127.0.0.1; stopped when dropped.
pub struct HubSpotSim {
    server: Server,
    state: Shared<Sim>,
}

impl HubSpotSim {
    pub async fn start(seed: Seed) -> std::io::Result<Self> {
        Self::start_on(0, seed).await
    }

    pub async fn start_on(port: u16, seed: Seed) -> std::io::Result<Self> {
        let state: Shared<Sim> = Arc::new(Mutex::new(Sim::new(seed)));
        let server = Server::start(port, router(state.clone())).await?;
        Ok(Self { server, state })
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// How many requests matched `method` and a path containing `path_part`.
    pub fn count(&self, method: &str, path_part: &str) -> usize {
        self.with_state(|s| {
            s.recorder
                .log
                .iter()
                .filter(|r| r.method == method && r.path.contains(path_part))
                .count()
        })
    }

    /// An access token of the portal, as a finished install would hold, for tests of the CRM APIs (the OAuth
    /// endpoints have their own tests).
    pub fn issue_access_token(&self) -> String {
        self.with_state(Sim::issue_access)
    }

    pub fn with_state<T>(&self, f: impl FnOnce(&mut Sim) -> T) -> T {
        f(&mut self.state.lock().expect("sim lock"))
    }
}

/// The object routes under one base path (`/crm/v3/objects/{object}` or the date-versioned one).
fn crm_routes(base: &str) -> axum::Router<Shared<Sim>> {
    axum::Router::new()
        .route(base, get(crm::list).post(crm::create))
        .route(&format!("{base}/search"), post(crm::search))
        .route(&format!("{base}/batch/{{op}}"), post(crm::batch))
        .route(
            &format!("{base}/{{id}}"),
            get(crm::get_one).patch(crm::update).delete(crm::archive),
        )
}

fn router(state: Shared<Sim>) -> axum::Router {
    axum::Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/{version}/token", post(oauth::token))
        .route("/oauth/v3/token/introspect", post(oauth::introspect))
        .route("/account-info/v3/details", get(api::account_details))
        .route(
            "/crm/v3/properties/{object}/groups",
            post(api::create_group).get(api::list_groups),
        )
        .route(
            "/crm/v3/properties/{object}",
            post(api::create_property).get(api::list_properties),
        )
        .route("/crm/v3/properties/{object}/{name}", get(api::get_property))
        .merge(crm_routes("/crm/v3/objects/{object}"))
        .merge(crm_routes("/crm/objects/{version}/{object}"))
        .route(
            "/crm/v4/objects/{from}/{id}/associations/{to}",
            get(associations::read),
        )
        .route(
            "/crm/v4/objects/{from}/{id}/associations/default/{to}/{to_id}",
            axum::routing::put(associations::create_default),
        )
        .route(
            "/crm/v4/objects/{from}/{id}/associations/{to}/{to_id}",
            axum::routing::put(associations::create_labelled),
        )
        .route(
            "/crm/v4/associations/{from}/{to}/batch/read",
            post(associations::batch_read),
        )
        .route(
            "/crm/v4/associations/{from}/{to}/batch/create",
            post(associations::batch_create),
        )
        .route(
            "/automation/v4/actions/callbacks/complete",
            post(callbacks::complete_batch),
        )
        .route(
            "/automation/v4/actions/callbacks/{callback_id}/complete",
            post(callbacks::complete),
        )
        .route(
            "/automation/actions/callbacks/{version}/complete",
            post(callbacks::complete_batch),
        )
        .route(
            "/automation/actions/callbacks/{version}/{callback_id}/complete",
            post(callbacks::complete),
        )
        .route("/_sim/consent", post(oauth::consent))
        .route("/_sim/seed", post(oauth::seed))
        .merge(sim_kit::control_routes::<Sim>())
        .fallback(api::unknown_path)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sim_kit::middleware::<Sim>,
        ))
        .with_state(state)
}

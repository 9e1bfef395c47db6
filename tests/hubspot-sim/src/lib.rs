//! A HubSpot simulator built from `/work/shared/reference/hubspot-api.md`: OAuth, account details, CRM
//! objects (CRUD, batch, search), associations v4, properties, workflow callback completion, with HubSpot's
//! paths (v3/v4 and date-versioned), envelopes, error bodies, scopes and rate limits. The control API
//! (`/_sim/`) resets, seeds, reads the request log and state, injects faults, moves the clock and tunes the
//! limits. `HubSpotCaller` plays HubSpot towards our endpoints (signed card fetches and workflow executions).
//! See `README.md` for every endpoint and rule.

// Helpers fail with the finished HubSpot error answer (a `Response`); boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

mod account;
mod associations;
mod auth;
mod batch;
mod callbacks;
mod caller;
mod calls;
mod catalog;
mod control;
mod errors;
mod invoices;
mod limits;
mod line_items;
mod oauth;
mod objects;
mod properties;
mod request;
pub mod scopes;
mod search;
pub mod signature;
mod state;
mod uniqueness;
mod writes;

pub use caller::{ActionExecution, HubSpotCaller, Sent};
pub use calls::{CallCounts, CallKind};
pub use limits::LimitSettings;
pub use sim_kit::{FaultKind, FaultRule, LoggedRequest};
pub use state::{Seed, Sim};

use axum::routing::{get, post, put};
use sim_kit::{Server, Shared};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "test-hubspot-client-id";
pub const CLIENT_SECRET: &str = "test-hubspot-client-secret";

/// A running simulator on 127.0.0.1; stopped by `stop()` or when dropped, so a failing test never leaks one.
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

    /// Stops the server now (dropping the handle does the same).
    pub fn stop(self) {}

    /// Every request received so far (control calls excluded), in order.
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

    /// The requests received so far, counted by kind (batch writes, association writes, searches, reads…).
    pub fn calls(&self) -> CallCounts {
        self.with_state(|s| CallCounts::of(&s.recorder.log))
    }

    /// Sets the rate limits (e.g. `LimitSettings { enabled: false, ..Default::default() }` turns them off);
    /// the counters start afresh.
    pub fn set_limits(&self, settings: LimitSettings) {
        self.with_state(|s| s.limits.set(settings));
    }

    /// An access token with every scope, as a finished install would hold, for tests of the CRM APIs (the
    /// OAuth endpoints have their own tests).
    pub fn issue_access_token(&self) -> String {
        self.with_state(|s| s.issue_access(scopes::all()))
    }

    /// An access token granting only `scopes`.
    pub fn issue_access_token_with(&self, scopes: &[&str]) -> String {
        self.with_state(|s| s.issue_access(scopes.iter().map(|s| s.to_string()).collect()))
    }

    pub fn with_state<T>(&self, f: impl FnOnce(&mut Sim) -> T) -> T {
        f(&mut self.state.lock().expect("sim lock"))
    }
}

/// The object routes under one base path (`/crm/v3/objects/{object}` or the date-versioned one).
fn object_routes(base: &str) -> axum::Router<Shared<Sim>> {
    axum::Router::new()
        .route(base, get(objects::list).post(objects::create))
        .route(&format!("{base}/search"), post(search::search))
        .route(&format!("{base}/batch/{{op}}"), post(batch::batch))
        .route(
            &format!("{base}/{{id}}"),
            get(objects::get_one)
                .patch(objects::update)
                .delete(objects::archive),
        )
}

/// Single-record association routes under `{base}/{from}/{id}/associations` (v4 or date-versioned).
fn association_routes(objects: &str, batch: &str) -> axum::Router<Shared<Sim>> {
    let one = format!("{objects}/{{object}}/{{id}}/associations");
    axum::Router::new()
        .route(&format!("{one}/{{to}}"), get(associations::read))
        .route(
            &format!("{one}/default/{{to}}/{{to_id}}"),
            put(associations::create_default),
        )
        .route(
            &format!("{one}/{{to}}/{{to_id}}"),
            put(associations::create_labelled).delete(associations::delete),
        )
        .route(
            &format!("{batch}/{{object}}/{{to}}/batch/read"),
            post(associations::batch_read),
        )
        .route(
            &format!("{batch}/{{object}}/{{to}}/batch/create"),
            post(associations::batch_create),
        )
        .route(
            &format!("{batch}/{{object}}/{{to}}/batch/associate/default"),
            post(associations::batch_default),
        )
        .route(
            &format!("{batch}/{{object}}/{{to}}/batch/archive"),
            post(associations::batch_archive),
        )
}

fn property_routes(base: &str) -> axum::Router<Shared<Sim>> {
    axum::Router::new()
        .route(
            &format!("{base}/groups"),
            post(properties::create_group).get(properties::list_groups),
        )
        .route(
            &format!("{base}/groups/{{name}}"),
            get(properties::get_group),
        )
        .route(
            base,
            post(properties::create_property).get(properties::list_properties),
        )
        .route(
            &format!("{base}/batch/create"),
            post(properties::batch_create),
        )
        .route(&format!("{base}/batch/read"), post(properties::batch_read))
        .route(&format!("{base}/{{name}}"), get(properties::get_property))
}

fn router(state: Shared<Sim>) -> axum::Router {
    axum::Router::new()
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/{version}/authorize", get(oauth::authorize))
        .route("/oauth/{version}/token", post(oauth::token))
        .route("/oauth/{version}/token/introspect", post(oauth::introspect))
        .route("/oauth/{version}/token/revoke", post(oauth::revoke))
        .route("/account-info/v3/details", get(account::details))
        .route("/account-info/{version}/details", get(account::details))
        .merge(property_routes("/crm/v3/properties/{object}"))
        .merge(property_routes("/crm/properties/{version}/{object}"))
        .merge(object_routes("/crm/v3/objects/{object}"))
        .merge(object_routes("/crm/objects/{version}/{object}"))
        .merge(association_routes(
            "/crm/v4/objects",
            "/crm/v4/associations",
        ))
        .merge(association_routes(
            "/crm/objects/{version}",
            "/crm/associations/{version}",
        ))
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
        .merge(control::routes())
        .merge(sim_kit::control_routes::<Sim>())
        .fallback(errors::unknown_path)
        .method_not_allowed_fallback(errors::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sim_kit::middleware::<Sim>,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::headers,
        ))
        .with_state(state)
}

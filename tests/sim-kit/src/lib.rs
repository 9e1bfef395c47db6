//! What both simulators share: a server handle that binds to loopback and stops on drop, the request log,
//! fault injection by path, the simulated clock, and the common part of the control API under `/_sim/`.

pub mod cli;
mod control;
mod faults;
mod server;

pub use control::routes as control_routes;
pub use faults::{middleware, FaultKind, FaultRule};
pub use server::Server;

use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One request as received.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// The bookkeeping every simulator carries.
#[derive(Default)]
pub struct Recorder {
    pub log: Vec<LoggedRequest>,
    pub faults: Vec<FaultRule>,
    pub clock_offset: Duration,
}

impl Recorder {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }
}

/// A simulator's state, as the shared middleware and control routes need it.
pub trait Simulated: Send + 'static {
    fn recorder(&mut self) -> &mut Recorder;
    /// The service's rate limit for this path, if it is exceeded now (the answer to send instead).
    fn throttle(&mut self, path: &str) -> Option<Response>;
    /// Back to the seed the simulator was given.
    fn reset(&mut self);
}

pub type Shared<S> = Arc<Mutex<S>>;

/// The simulator's state. A handler that panicked while holding it must not leave the simulator dead for
/// every later request (a poisoned lock): the state is taken as that handler left it.
pub fn lock<S>(shared: &Shared<S>) -> MutexGuard<'_, S> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

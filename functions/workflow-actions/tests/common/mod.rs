//! The stage every workflow-action test binary runs on: the real handler served over loopback HTTP against
//! moto and both simulators, and the HubSpot simulator's caller that signs and delivers executions to it.

use hubspot_sim::{ActionExecution, HubSpotCaller};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use test_support::serve::{bind, serve, Served};
use test_support::world::{app_on_with, World, PORTAL};
use test_support::HUBSPOT_CLIENT_SECRET;

pub struct Stage {
    pub w: World,
    pub served: Served,
    pub caller: HubSpotCaller,
}

/// A stage whose caller redelivers an execution up to `action_retries` times, as HubSpot does after a 5xx.
pub async fn stage(action_retries: u32) -> Stage {
    let w = World::new().await;
    let (listener, url) = bind().await;
    let app = Arc::new(app_on_with(&w.h, &w.qbo, &w.hubspot, &[("PUBLIC_BASE_URL", &url)]).await);
    let served = serve(listener, url, move |req| {
        let app = app.clone();
        async move { workflow_actions::handle(&app, req).await.expect("handler") }
    });
    let mut caller = HubSpotCaller::new(HUBSPOT_CLIENT_SECRET, PORTAL);
    caller.action_retries = action_retries;
    caller.retry_delay = Duration::from_millis(100);
    Stage { w, served, caller }
}

impl Stage {
    /// Delivers an execution to `/actions/{action}`: HubSpot's last answer and its JSON body.
    pub async fn deliver(&self, action: &str, execution: &ActionExecution) -> (u16, Value) {
        let sent = self
            .caller
            .execute(&format!("{}/actions/{action}", self.served.url), execution)
            .await
            .expect("delivered: the handler answered");
        (
            sent.status,
            serde_json::from_str(&sent.body).unwrap_or(Value::Null),
        )
    }
}

//! HubSpot towards us: requests signed as HubSpot signs them, with its retries.
//! * `fetch` is an app card's `hubspot.fetch` (hubspot-api.md §3b): it appends `userId`, `portalId`,
//!   `userEmail` and `appId`, signs v3, sends JSON bodies only, and retries once on a connection failure or a
//!   5xx (not on a timeout: the retry must happen within the timeout window).
//! * `execute` is a workflow action execution (§4): the documented body, signed v3 plus the legacy v2
//!   `X-HubSpot-Signature` the old docs name for custom actions (or v2 alone, with `action_v3` off); retried on connection failures, timeouts,
//!   5xx (exponential backoff) and 429 (waiting `Retry-After`); any other 4xx is a failure, not retried.
//!   HubSpot keeps retrying for days; here the count and delays are settings so tests stay fast.

use crate::signature::{signature_v2, signature_v3};
use serde::Serialize;
use serde_json::{json, Value};
use std::time::Duration;

/// What one signed call ended with.
#[derive(Debug)]
pub struct Sent {
    /// The URL called, HubSpot's parameters included.
    pub url: String,
    pub status: u16,
    pub body: String,
    pub attempts: u32,
}

impl Sent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A workflow action execution (hubspot-api.md §4, Execution request).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionExecution {
    pub callback_id: String,
    pub origin: Value,
    pub context: Value,
    pub object: Value,
    pub input_fields: Value,
}

impl ActionExecution {
    /// An execution for one enrolled record; `callbackId` is unique per execution, as HubSpot's are.
    pub fn new(portal_id: u64, object_type: &str, object_id: u64, input_fields: Value) -> Self {
        Self {
            callback_id: format!(
                "ap-{portal_id}-{}-7-0",
                uuid::Uuid::new_v4().as_u128() % 100_000_000_000
            ),
            origin: json!({"portalId": portal_id, "actionDefinitionId": 10646377, "actionDefinitionVersion": 1}),
            context: json!({"source": "WORKFLOWS", "workflowId": 192814114}),
            object: json!({"objectId": object_id, "objectType": object_type, "properties": {}}),
            input_fields,
        }
    }
}

#[derive(Clone, Debug)]
pub struct HubSpotCaller {
    pub client_secret: String,
    pub portal_id: u64,
    pub user_id: u64,
    pub user_email: String,
    pub app_id: u64,
    /// Retries after the first attempt for workflow executions.
    pub action_retries: u32,
    /// The first retry's delay; each further one doubles it.
    pub retry_delay: Duration,
    /// What one unit of a 429's `Retry-After` is worth: the current docs say milliseconds, older text seconds
    /// (hubspot-api.md §4, ambiguous).
    pub retry_after_unit: Duration,
    pub timeout: Duration,
    /// Whether workflow executions carry `X-HubSpot-Signature-v3` next to the legacy v2 signature. The
    /// custom-action guide documents v2 alone, so `false` plays a HubSpot that sends only that.
    pub action_v3: bool,
}

/// Which failures a kind of call retries.
struct Policy {
    retries: u32,
    on_status: fn(u16) -> bool,
    on_timeout: bool,
}

impl HubSpotCaller {
    pub fn new(client_secret: &str, portal_id: u64) -> Self {
        Self {
            client_secret: client_secret.into(),
            portal_id,
            user_id: 7,
            user_email: "jane@example.com".into(),
            app_id: 54321,
            action_retries: 3,
            retry_delay: Duration::from_millis(20),
            retry_after_unit: Duration::from_millis(1),
            timeout: Duration::from_secs(15),
            action_v3: true,
        }
    }

    /// An app card's `hubspot.fetch(url, {method, body})`.
    pub async fn fetch(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Sent, reqwest::Error> {
        let mut full = url::Url::parse(url).expect("an absolute URL");
        full.query_pairs_mut()
            .append_pair("userId", &self.user_id.to_string())
            .append_pair("portalId", &self.portal_id.to_string())
            .append_pair("userEmail", &self.user_email)
            .append_pair("appId", &self.app_id.to_string());
        let body = body.map(Value::to_string).unwrap_or_default();
        let policy = Policy {
            retries: 1,
            on_status: |s| s >= 500,
            on_timeout: false,
        };
        self.send(method, full.as_str(), &body, policy, false).await
    }

    /// A workflow action execution POSTed to the action's `actionUrl`.
    pub async fn execute(
        &self,
        url: &str,
        execution: &ActionExecution,
    ) -> Result<Sent, reqwest::Error> {
        let body = serde_json::to_string(execution).expect("serialisable");
        let policy = Policy {
            retries: self.action_retries,
            on_status: |s| s >= 500 || s == 429,
            on_timeout: true,
        };
        self.send("POST", url, &body, policy, true).await
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: &str,
        policy: Policy,
        legacy_signature: bool,
    ) -> Result<Sent, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(self.timeout).build()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ts = chrono::Utc::now().timestamp_millis().to_string();
            let mut req = client.request(method.parse().expect("an HTTP method"), url);
            if !legacy_signature || self.action_v3 {
                req = req
                    .header(
                        "X-HubSpot-Signature-v3",
                        signature_v3(&self.client_secret, method, url, body, &ts),
                    )
                    .header("X-HubSpot-Request-Timestamp", &ts);
            }
            if legacy_signature {
                req = req
                    .header(
                        "X-HubSpot-Signature",
                        signature_v2(&self.client_secret, method, url, body),
                    )
                    .header("X-HubSpot-Signature-Version", "v2");
            }
            if !body.is_empty() {
                req = req
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let retries_left = attempt <= policy.retries;
            let backoff = self.retry_delay * 2u32.pow(attempt - 1);
            let wait = match req.send().await {
                Ok(res) if retries_left && (policy.on_status)(res.status().as_u16()) => res
                    .headers()
                    .get("retry-after")
                    .filter(|_| res.status().as_u16() == 429)
                    .and_then(|v| v.to_str().ok()?.trim().parse::<u32>().ok())
                    .map_or(backoff, |n| self.retry_after_unit * n),
                Ok(res) => {
                    return Ok(Sent {
                        url: url.to_string(),
                        status: res.status().as_u16(),
                        body: res.text().await?,
                        attempts: attempt,
                    })
                }
                Err(e)
                    if retries_left
                        && (e.is_connect() || (policy.on_timeout && e.is_timeout())) =>
                {
                    backoff
                }
                Err(e) => return Err(e),
            };
            tokio::time::sleep(wait).await;
        }
    }
}

//! Webhooks (quickbooks-api.md §6): after a write, Intuit notifies the app's one endpoint of the change, for
//! every company connected to it. The simulator does the same once an endpoint is configured
//! (`POST /_sim/webhooks`): the events of every company gather for a short window, go out in notifications
//! of at most 100 events in the legacy or the CloudEvents format, signed `intuit-signature` =
//! base64(HMAC-SHA256(verifier, body)). An answer other than 200 within 3 seconds is retried 0 s, 10 s,
//! 20 s, 30 s, 5 min, 20 min, 2 h, 4 h, 6 h and then every 6 h after each failure, on the simulated clock
//! (`/_sim/clock` moves a retry closer), and later notifications wait behind the one being retried, as
//! Intuit queues events in order.

use crate::state::Sim;
use base64::Engine;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hmac::Mac;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sim_kit::Shared;
use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

/// Intuit's most events per notification.
pub const MAX_EVENTS: usize = 100;
/// Intuit's answer deadline: a slower answer is a failure.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);
/// How often the deliverer looks for work (real time).
const TICK: std::time::Duration = std::time::Duration::from_millis(10);
/// The waits before each retry (§6), the last repeating.
const RETRY_AFTER_SECS: [i64; 10] = [0, 10, 20, 30, 300, 1200, 7200, 14400, 21600, 21600];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `{"eventNotifications":[…]}`.
    #[default]
    Legacy,
    /// The JSON array of CloudEvents an app gets once Intuit's toggle is flipped.
    CloudEvents,
}

/// Where and how notifications go.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub url: String,
    pub verifier: String,
    #[serde(default)]
    pub format: Format,
    /// How long events gather before they go out (real milliseconds).
    #[serde(default = "default_gather_ms")]
    pub gather_ms: u64,
}

fn default_gather_ms() -> u64 {
    50
}

/// What happened to a record (the legacy operation names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    Merge,
    Void,
    Emailed,
}

impl Operation {
    fn legacy(self) -> &'static str {
        match self {
            Self::Create => "Create",
            Self::Update => "Update",
            Self::Delete => "Delete",
            Self::Merge => "Merge",
            Self::Void => "Void",
            Self::Emailed => "Emailed",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Create => "created",
            Self::Update => "updated",
            Self::Delete => "deleted",
            Self::Merge => "merged",
            Self::Void => "voided",
            Self::Emailed => "emailed",
        }
    }
}

/// One change a write made, waiting for its notification.
#[derive(Clone, Debug)]
pub struct Change {
    pub entity: String,
    pub id: String,
    pub operation: Operation,
    pub at: DateTime<Utc>,
    /// A merge's record merged away.
    pub deleted_id: Option<String>,
}

/// One delivery attempt, for tests and the bench (`GET /_sim/webhooks`).
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub attempt: u32,
    pub events: usize,
    /// The HTTP status, or none when there was no answer within 3 seconds.
    pub status: Option<u16>,
}

struct Notification {
    body: String,
    events: usize,
    failures: u32,
    due: DateTime<Utc>,
}

/// The simulator's webhook state.
#[derive(Default)]
pub struct Outbox {
    pub endpoint: Option<Endpoint>,
    /// Changes gathering into the next notification, by company, and when the first came (real time).
    gathering: Vec<(String, Change)>,
    since: Option<Instant>,
    queue: VecDeque<Notification>,
    pub attempts: Vec<Attempt>,
}

impl Sim {
    /// Notifications not yet answered 200: changes not yet gathered, gathering, queued or being retried.
    pub fn undelivered_webhooks(&self) -> usize {
        let outbox = &self.webhooks;
        let fresh =
            outbox.endpoint.is_some() && self.companies.values().any(|c| !c.changes.is_empty());
        outbox.queue.len() + usize::from(fresh || !outbox.gathering.is_empty())
    }
}

impl Outbox {
    fn gather(&mut self, realm: &str, changes: Vec<Change>) {
        if self.endpoint.is_none() || changes.is_empty() {
            return;
        }
        self.since.get_or_insert_with(Instant::now);
        self.gathering
            .extend(changes.into_iter().map(|c| (realm.to_string(), c)));
    }

    /// Turns what gathered into notifications: a full one (100 events) at once, the rest once the window
    /// has passed.
    fn close_window(&mut self, now: DateTime<Utc>) {
        let (Some(endpoint), Some(since)) = (&self.endpoint, self.since) else {
            return;
        };
        let format = endpoint.format;
        let window_passed = since.elapsed() >= std::time::Duration::from_millis(endpoint.gather_ms);
        while self.gathering.len() >= MAX_EVENTS || (window_passed && !self.gathering.is_empty()) {
            let take = self.gathering.len().min(MAX_EVENTS);
            let chunk: Vec<(String, Change)> = self.gathering.drain(..take).collect();
            self.queue.push_back(Notification {
                body: render(format, &chunk).to_string(),
                events: chunk.len(),
                failures: 0,
                due: now,
            });
        }
        if self.gathering.is_empty() {
            self.since = None;
        }
    }
}

/// A notification's body in `format`.
pub fn render(format: Format, events: &[(String, Change)]) -> Value {
    match format {
        Format::Legacy => {
            let mut by_realm: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
            for (realm, c) in events {
                let mut entity = json!({
                    "name": c.entity,
                    "id": c.id,
                    "operation": c.operation.legacy(),
                    "lastUpdated": c.at.to_rfc3339_opts(SecondsFormat::Millis, true),
                });
                if let Some(deleted) = &c.deleted_id {
                    entity["deletedId"] = json!(deleted);
                }
                by_realm.entry(realm).or_default().push(entity);
            }
            let notifications: Vec<Value> = by_realm
                .into_iter()
                .map(|(realm, entities)| {
                    json!({"realmId": realm, "dataChangeEvent": {"entities": entities}})
                })
                .collect();
            json!({ "eventNotifications": notifications })
        }
        Format::CloudEvents => Value::Array(
            events
                .iter()
                .map(|(realm, c)| {
                    let mut event = json!({
                        "specversion": "1.0",
                        "id": uuid::Uuid::new_v4().to_string(),
                        "source": "intuit.qbo-sim",
                        "type": format!("qbo.{}.{}.v1", c.entity.to_lowercase(), c.operation.verb()),
                        "datacontenttype": "application/json",
                        "time": c.at.to_rfc3339_opts(SecondsFormat::Nanos, true),
                        "intuitentityid": c.id,
                        "intuitaccountid": realm,
                    });
                    if let Some(deleted) = &c.deleted_id {
                        event["data"] = json!({ "deletedid": deleted });
                    }
                    event
                })
                .collect(),
        ),
    }
}

/// `intuit-signature` of `body`.
pub fn sign(verifier: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(verifier.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Runs for as long as the simulator: gathers the companies' changes and delivers notifications in order.
pub async fn deliver(sim: Shared<Sim>) {
    let http = reqwest::Client::builder()
        .timeout(ANSWER_WITHIN)
        .build()
        .expect("an HTTP client");
    loop {
        tokio::time::sleep(TICK).await;
        let due = {
            let mut sim = sim_kit::lock(&sim);
            let now = sim.now();
            let Sim {
                companies,
                webhooks,
                ..
            } = &mut *sim;
            for (realm, company) in companies.iter_mut() {
                webhooks.gather(realm, std::mem::take(&mut company.changes));
            }
            webhooks.close_window(now);
            match (&webhooks.endpoint, webhooks.queue.front()) {
                (Some(endpoint), Some(head)) if head.due <= now => Some((
                    endpoint.url.clone(),
                    sign(&endpoint.verifier, head.body.as_bytes()),
                    head.body.clone(),
                )),
                _ => None,
            }
        };
        let Some((url, signature, body)) = due else {
            continue;
        };
        let status = http
            .post(&url)
            .header("content-type", "application/json")
            .header("intuit-signature", signature)
            .body(body.clone())
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16());
        let mut sim = sim_kit::lock(&sim);
        let now = sim.now();
        let outbox = &mut sim.webhooks;
        // The endpoint may have been changed or reset meanwhile: only the notification sent is settled.
        if outbox.queue.front().is_none_or(|head| head.body != body) {
            continue;
        }
        let Some(head) = outbox.queue.front_mut() else {
            continue;
        };
        outbox.attempts.push(Attempt {
            at: now,
            attempt: head.failures + 1,
            events: head.events,
            status,
        });
        if status == Some(200) {
            outbox.queue.pop_front();
        } else {
            let wait = RETRY_AFTER_SECS[(head.failures as usize).min(RETRY_AFTER_SECS.len() - 1)];
            head.failures = head.failures.saturating_add(1);
            head.due = now + Duration::seconds(wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_vectors_sign_as_intuit_does() {
        let body = r#"{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}"#;
        assert_eq!(
            sign("b5771f19b12ddb4bcdb9f08bdc50bc63878a", body.as_bytes()),
            "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q="
        );
        assert_eq!(
            sign("verify_me", br#"{"stuff":"5"}"#),
            "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA="
        );
    }

    #[test]
    fn both_formats_carry_the_realm_the_operation_and_a_merge_s_deleted_id() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T17:00:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        let merge = Change {
            entity: "Customer".into(),
            id: "5".into(),
            operation: Operation::Merge,
            at,
            deleted_id: Some("27".into()),
        };
        let events = [("42".to_string(), merge)];
        let legacy = render(Format::Legacy, &events);
        let entity = &legacy["eventNotifications"][0]["dataChangeEvent"]["entities"][0];
        assert_eq!(legacy["eventNotifications"][0]["realmId"], "42");
        assert_eq!(entity["operation"], "Merge");
        assert_eq!(entity["deletedId"], "27");
        assert_eq!(entity["lastUpdated"], "2026-11-22T17:00:00.500Z");
        let cloud = render(Format::CloudEvents, &events);
        assert_eq!(cloud[0]["type"], "qbo.customer.merged.v1");
        assert_eq!(cloud[0]["intuitaccountid"], "42");
        assert_eq!(cloud[0]["data"]["deletedid"], "27");
    }
}

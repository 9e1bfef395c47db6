//! What the simulator's tests share: a started simulator with a token, and calls that return status + JSON.
#![allow(dead_code)] // each test binary uses its own subset

use hubspot_sim::{HubSpotSim, Seed};
use serde_json::{json, Value};

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The demo portal, started, with an all-scopes token; the server stops when this is dropped.
pub struct Api {
    pub sim: HubSpotSim,
    pub token: String,
}

impl Api {
    pub async fn start() -> Self {
        let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
        let token = sim.issue_access_token();
        Self { sim, token }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// A bearer call with a JSON body, answered as (status, JSON or Null).
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as(&self.token, method, path, body).await
    }

    pub async fn call_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = http()
            .request(method.parse().unwrap(), self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }

    /// A `hasUniqueValue` text property in the group `quickbooks` (made when missing), made through the
    /// properties API as the sync makes its `qbo_*` keys.
    pub async fn unique_key(&self, object: &str, name: &str) {
        let (status, _) = self
            .call(
                "POST",
                &format!("/crm/v3/properties/{object}/groups"),
                Some(json!({"name": "quickbooks", "label": "QuickBooks"})),
            )
            .await;
        assert!(status == 201 || status == 409, "group: {status}");
        let (status, def) = self
            .call(
                "POST",
                &format!("/crm/v3/properties/{object}"),
                Some(
                    json!({"name": name, "label": name, "type": "string", "fieldType": "text",
                    "groupName": "quickbooks", "hasUniqueValue": true}),
                ),
            )
            .await;
        assert_eq!(
            (status, &def["hasUniqueValue"]),
            (201, &json!(true)),
            "{def}"
        );
    }

    /// A control call under `/_sim/`.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as("", method, path, body).await
    }
}

/// The `id`s of a list or search answer's results.
pub fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {body}"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts HubSpot's error body: `status: "error"`, the category, a message and a correlation id.
pub fn assert_error(answer: &(u16, Value), status: u16, category: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["correlationId"].as_str().is_some(), "{body}");
}

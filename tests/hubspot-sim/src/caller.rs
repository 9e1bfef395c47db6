//! HubSpot towards us: requests signed exactly as HubSpot signs them, with its retries. `hubspot.fetch` from an
//! app card appends `userId`, `portalId`, `userEmail` and `appId` and retries once on a connection failure or a
//! 5xx (hubspot-api.md §3b); workflow action executions POST the documented body and are retried on 5xx,
//! timeouts and 429 (§4). Signing is `X-HubSpot-Signature-v3` (§2), written here independently of the
//! product's own verifier so each checks the other.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;

/// What one signed call ended with, and how many attempts it took.
#[derive(Debug)]
pub struct Sent {
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
    /// Retries after the first attempt for workflow executions (HubSpot's go on for days; tests keep it short).
    pub action_retries: u32,
    pub retry_delay: Duration,
    pub timeout: Duration,
}

/// HubSpot decodes these before signing; every other escape stays (hubspot-api.md §2).
const DECODED: [(&str, &str); 12] = [
    ("%3A", ":"),
    ("%2F", "/"),
    ("%3F", "?"),
    ("%40", "@"),
    ("%21", "!"),
    ("%24", "$"),
    ("%27", "'"),
    ("%28", "("),
    ("%29", ")"),
    ("%2A", "*"),
    ("%2C", ","),
    ("%3B", ";"),
];

fn decode_for_signing(url: &str) -> String {
    let mut out = url.to_string();
    for (code, ch) in DECODED {
        out = out.replace(code, ch).replace(&code.to_lowercase(), ch);
    }
    out
}

/// `X-HubSpot-Signature-v3` for a request.
pub fn signature(secret: &str, method: &str, url: &str, body: &str, timestamp_ms: &str) -> String {
    let source = format!("{method}{}{body}{timestamp_ms}", decode_for_signing(url));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(source.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
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
            retry_delay: Duration::from_millis(50),
            timeout: Duration::from_secs(15),
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
        // One retry on a connection failure or a 5xx.
        self.send(method, full.as_str(), &body, 1, |status| status >= 500)
            .await
    }

    /// A workflow action execution, retried like HubSpot does on 5xx, 429 and timeouts.
    pub async fn execute(
        &self,
        url: &str,
        execution: &ActionExecution,
    ) -> Result<Sent, reqwest::Error> {
        let body = serde_json::to_string(execution).expect("serialisable");
        self.send("POST", url, &body, self.action_retries, |status| {
            status >= 500 || status == 429
        })
        .await
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: &str,
        retries: u32,
        retry_on: impl Fn(u16) -> bool,
    ) -> Result<Sent, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(self.timeout).build()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ts = chrono::Utc::now().timestamp_millis().to_string();
            let sig = signature(&self.client_secret, method, url, body, &ts);
            let mut req = client
                .request(method.parse().expect("an HTTP method"), url)
                .header("X-HubSpot-Signature-v3", sig)
                .header("X-HubSpot-Request-Timestamp", &ts);
            if !body.is_empty() {
                req = req
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            match req.send().await {
                Ok(res) if attempt <= retries && retry_on(res.status().as_u16()) => {}
                Ok(res) => {
                    let status = res.status().as_u16();
                    return Ok(Sent {
                        status,
                        body: res.text().await?,
                        attempts: attempt,
                    });
                }
                Err(e) if attempt <= retries && (e.is_connect() || e.is_timeout()) => {}
                Err(e) => return Err(e),
            }
            tokio::time::sleep(self.retry_delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";

    #[test]
    fn the_reference_v3_vectors() {
        assert_eq!(
            signature(
                SECRET,
                "POST",
                "https://www.example.com/webhook_uri",
                r#"{"example_field":"example_value"}"#,
                "1700000000000"
            ),
            "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o="
        );
        assert_eq!(
            signature(SECRET, "GET", "https://api.example.com/hubspot/card?portalId=62515&userEmail=jane%40example.com&associatedObjectType=DEAL&associatedObjectId=123&appId=54321", "", "1700000000000"),
            "XDjrMRhwElA/sqPxecynX/YEWqK6NZ05LiX1RwKuD+k="
        );
    }
}

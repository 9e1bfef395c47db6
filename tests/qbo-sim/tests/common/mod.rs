//! What the simulator's tests share: a started simulator with a connected company, and small helpers.
// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use qbo_sim::{Generate, QboSim, Seed, GENERATED_REALM};
use serde_json::{json, Value};

pub const US: &str = "9130357766900011";
pub const UK: &str = "9130357766900022";
pub const CA: &str = "9130357766900033";

/// A simulator and a bearer token for one of its companies, as a connected client holds.
pub struct Company {
    pub sim: QboSim,
    pub realm: &'static str,
    pub token: String,
}

impl Company {
    /// The demo seed, rate limits on (as by default).
    pub async fn start(realm: &'static str) -> Self {
        let sim = QboSim::start(Seed::demo()).await.unwrap();
        let token = sim.issue_access_token(realm);
        Self { sim, realm, token }
    }

    /// The demo seed with rate limits off, for tests that send many requests.
    pub async fn unthrottled(realm: &'static str) -> Self {
        let company = Self::start(realm).await;
        company.sim.with_state(|s| s.limits.enabled = false);
        company
    }

    /// Only a generated company (its default realm), rate limits off.
    pub async fn generated(spec: Generate) -> Self {
        assert_eq!(
            spec.realm_id, GENERATED_REALM,
            "tests use the default realm"
        );
        let sim = QboSim::start(Seed::generated(spec)).await.unwrap();
        sim.with_state(|s| s.limits.enabled = false);
        let token = sim.issue_access_token(GENERATED_REALM);
        Self {
            sim,
            realm: GENERATED_REALM,
            token,
        }
    }

    /// A new token, as after a reconnect (e.g. once the clock has moved past the old one's hour).
    pub fn reconnect(&mut self) {
        self.token = self.sim.issue_access_token(self.realm);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/v3/company/{}/{path}", self.sim.base_url(), self.realm)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(&self.token)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let res = self.get(path).await;
        (res.status().as_u16(), res.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(&self.token)
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// A query statement, sent as QuickBooks documents it: POST with Content-Type application/text.
    pub async fn query(&self, statement: &str) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(self.url("query?minorversion=75"))
            .bearer_auth(&self.token)
            .header("content-type", "application/text")
            .body(statement.to_string())
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    pub async fn control(&self, path: &str, body: Value) {
        control(&self.sim, path, body).await;
    }

    /// A record as stored now.
    pub fn stored(&self, entity: &str, id: &str) -> Value {
        self.sim.with_state(|s| {
            s.companies[self.realm]
                .find(entity, id)
                .cloned()
                .unwrap_or(Value::Null)
        })
    }

    pub fn count_of(&self, entity: &str) -> usize {
        self.sim
            .with_state(|s| s.companies[self.realm].records(entity).len())
    }
}

pub async fn control(sim: &QboSim, path: &str, body: Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/_sim/{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
}

/// The Intuit error code of a `Fault` envelope.
pub fn code(body: &Value) -> &str {
    body["Fault"]["Error"][0]["code"].as_str().unwrap_or("")
}

pub fn sales_line(item: &str, qty: f64, price: f64, amount: f64, tax: Option<&str>) -> Value {
    let mut detail = json!({"ItemRef": {"value": item}, "Qty": qty, "UnitPrice": price});
    if let Some(t) = tax {
        detail["TaxCodeRef"] = json!({"value": t});
    }
    json!({"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail})
}

/// A payment of `customer` applying `amount` of `total` to `invoice`.
pub fn payment(customer: &str, total: f64, invoice: &str, amount: f64) -> Value {
    json!({"CustomerRef": {"value": customer}, "TotalAmt": total,
           "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice, "TxnType": "Invoice"}]}]})
}

//! Harness shared by the tests and the local stack: AWS clients aimed at moto, a fresh table built from
//! `template.yaml`, and a private secret prefix per test so tests never see each other's data.

pub mod fuzz;
pub mod queue;
pub mod serve;
pub mod template;
pub mod world;

use aws_config::{BehaviorVersion, SdkConfig};
use shared::{Store, Vault};

/// The moto endpoint the test command exports. Tests that need AWS fail loudly without it rather than skip.
pub fn moto_endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL is not set: these tests need moto. Run them with `make test` \
             (or wrap cargo in infra/scripts/with-moto.sh)"
        )
    })
}

/// SDK configuration for moto: loopback endpoint, test credentials, fixed region.
pub async fn aws_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .test_credentials()
        .load()
        .await
}

/// A fresh table and vault prefix on moto, unique to the caller.
pub struct Harness {
    pub sdk: SdkConfig,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub store: Store,
    pub vault: Vault,
    pub table: String,
    pub secret_prefix: String,
}

impl Harness {
    pub async fn new() -> Self {
        let sdk = aws_config(&moto_endpoint()).await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let table = format!("test-{id}");
        template::Template::load_default()
            .expect("template.yaml")
            .create_table(&dynamodb, &table)
            .await
            .expect("create the table from template.yaml on moto");
        let secret_prefix = format!("hs-qbo/test-{id}/tokens/");
        Self {
            store: Store::new(dynamodb.clone(), &table),
            vault: Vault::new(secrets.clone(), &secret_prefix),
            sdk,
            dynamodb,
            secrets,
            table,
            secret_prefix,
        }
    }
}

/// The verifier token Intuit signs the test app's webhooks with.
pub const INTUIT_VERIFIER: &str = "test-intuit-verifier";
/// Intuit's webhook route.
pub const WEBHOOK_PATH: &str = "/webhooks/quickbooks";

/// Intuit's webhook as API Gateway hands it over, with `signature` as its `intuit-signature` (none: unsigned).
pub fn webhook_request(body: &[u8], signature: Option<&str>) -> lambda_http::Request {
    let mut req = lambda_http::http::Request::builder()
        .method("POST")
        .uri(WEBHOOK_PATH)
        .header("content-type", "application/json");
    if let Some(signature) = signature {
        req = req.header("intuit-signature", signature);
    }
    req.body(lambda_http::Body::from(body.to_vec()))
        .expect("request")
}

/// Intuit's webhook signed with the test app's verifier.
pub fn signed_webhook(body: &[u8]) -> lambda_http::Request {
    webhook_request(body, Some(&qbo_sim::sign_webhook(INTUIT_VERIFIER, body)))
}

impl Harness {
    /// The Secrets Manager id of the app credentials [`Harness::app`] creates (`APP_SECRET_ID`).
    pub fn app_secret_id(&self) -> String {
        format!("{}app", self.secret_prefix)
    }
}

/// The HubSpot client secret the test app is configured with.
pub const HUBSPOT_CLIENT_SECRET: &str = "test-hubspot-client-secret";
/// Where the tests pretend API Gateway is published.
pub const PUBLIC_BASE_URL: &str = "https://api.example.test";

impl Harness {
    /// An [`shared::App`] on this harness: the app-credentials secret is created on moto and read back the way
    /// `main.rs` reads it at cold start. `overrides` sets further configuration (e.g. simulator URLs).
    pub async fn app(&self, overrides: &[(&str, &str)]) -> shared::App {
        let app_secret = self.app_secret_id();
        let credentials = serde_json::json!({
            "hubspot_client_id": "test-hubspot-client-id",
            "hubspot_client_secret": HUBSPOT_CLIENT_SECRET,
            "intuit_client_id": "test-intuit-client-id",
            "intuit_client_secret": "test-intuit-client-secret",
            "intuit_webhook_verifier": INTUIT_VERIFIER,
        });
        // Idempotent for a second App on the same harness.
        let _ = self
            .secrets
            .create_secret()
            .name(&app_secret)
            .secret_string(credentials.to_string())
            .send()
            .await;
        let mut env: std::collections::HashMap<String, String> = [
            ("TABLE_NAME", self.table.as_str()),
            ("APP_SECRET_ID", app_secret.as_str()),
            ("TOKEN_SECRET_PREFIX", self.secret_prefix.as_str()),
            ("PUBLIC_BASE_URL", PUBLIC_BASE_URL),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        env.extend(
            overrides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let config = shared::Config::from_lookup(|k| env.get(k).cloned()).expect("test config");
        shared::App::new(config, &self.sdk)
            .await
            .expect("app from moto")
    }
}

/// A request as API Gateway hands it to a function, signed the way HubSpot signs `hubspot.fetch` and action
/// calls (`X-HubSpot-Signature-v3` over the public URL, the body and the timestamp).
pub fn signed_request(method: &str, path_and_query: &str, body: &str) -> lambda_http::Request {
    signed_request_with(
        method,
        path_and_query,
        body,
        HUBSPOT_CLIENT_SECRET,
        now_ms(),
    )
}

/// A card call from the test portal: `portalId` appended as `hubspot.fetch` does, the JSON body (none when
/// null), signed.
pub fn card_request(method: &str, path: &str, body: &serde_json::Value) -> lambda_http::Request {
    let sep = if path.contains('?') { '&' } else { '?' };
    let body = match body {
        serde_json::Value::Null => String::new(),
        json => json.to_string(),
    };
    let path = format!("{path}{sep}portalId={}", world::PORTAL);
    signed_request(method, &path, &body)
}

/// The path and query `hubspot.fetch` calls for a card URL: HubSpot appends `userId`, `portalId`, `userEmail`
/// and `appId` to whatever query the card gave (hubspot-api.md §3b).
pub fn fetched(path_and_query: &str, portal_id: u64) -> String {
    let sep = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{path_and_query}{sep}userId=7&portalId={portal_id}&userEmail=jane%40example.com&appId=54321")
}

pub fn signed_request_with(
    method: &str,
    path_and_query: &str,
    body: &str,
    secret: &str,
    timestamp_ms: i64,
) -> lambda_http::Request {
    let ts = timestamp_ms.to_string();
    let url = format!("{PUBLIC_BASE_URL}{path_and_query}");
    let signature = shared::verify::hubspot::sign_v3(secret, method, &url, body.as_bytes(), &ts);
    let mut req = unsigned_request(method, path_and_query, body);
    let headers = req.headers_mut();
    headers.insert("x-hubspot-signature-v3", signature.parse().expect("header"));
    headers.insert("x-hubspot-request-timestamp", ts.parse().expect("header"));
    req
}

pub fn unsigned_request(method: &str, path_and_query: &str, body: &str) -> lambda_http::Request {
    lambda_http::http::Request::builder()
        .method(method)
        .uri(path_and_query)
        .header("content-type", "application/json")
        .body(lambda_http::Body::from(body.to_string()))
        .expect("request")
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Status and JSON body of a response.
pub fn json_of(resp: lambda_http::Response<lambda_http::Body>) -> (u16, serde_json::Value) {
    let status = resp.status().as_u16();
    let body: &[u8] = resp.body().as_ref();
    let value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "response is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    (status, value)
}

/// Stores an install of `portal_id` and one connection per `(realm, name, status)`.
pub async fn seed_portal(
    store: &Store,
    portal_id: u64,
    companies: &[(&str, &str, shared::connections::Status)],
) {
    use shared::connections::{Connection, Environment};
    let now = chrono::Utc::now();
    shared::installs::Install {
        portal_id,
        installed_at: now,
        company_currency: "USD".into(),
    }
    .save(store, now.timestamp())
    .await
    .expect("save install");
    for (realm, name, status) in companies {
        Connection {
            portal_id,
            realm_id: realm.parse().expect("a realm id"),
            profile: shared::quickbooks::CompanyProfile {
                name: name.to_string(),
                country: "US".into(),
                home_currency: "USD".into(),
                multi_currency: false,
                custom_txn_numbers: false,
                line_tax_codes_required: false,
            },
            environment: Environment::Production,
            status: *status,
            connected_at: now,
            last_success_at: None,
        }
        .save(store, now.timestamp())
        .await
        .expect("save connection");
    }
}

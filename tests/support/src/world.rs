//! A HubSpot account with the app installed and the simulators' three QuickBooks companies connected, as
//! after the connect flow (which `functions/oauth-callback/tests` proves): tokens minted by the simulators
//! in the vault, connections with the profiles QuickBooks reports. The card, action and bench tests start here.

use crate::queue::LocalQueue;
use crate::Harness;
use hubspot_sim::HubSpotSim;
use qbo_sim::QboSim;
use shared::connections::{Connection, Environment, Status};
use shared::installs::Install;
use shared::quickbooks::api::Auth;
use shared::tokens::Grant;
use shared::{App, TokenSet};

pub const PORTAL: u64 = 62515;
pub const US: &str = "9130357766900011";
pub const UK: &str = "9130357766900022";
pub const CA: &str = "9130357766900033";

pub struct World {
    pub h: Harness,
    pub app: App,
    pub qbo: QboSim,
    pub hubspot: HubSpotSim,
    /// The QuickBooks companies connected to the portal.
    pub realms: Vec<String>,
}

/// The configuration (environment variables) that aims the app at the simulators.
pub fn simulator_config(qbo: &QboSim, hubspot: &HubSpotSim) -> Vec<(String, String)> {
    let (q, hs) = (qbo.base_url(), hubspot.base_url());
    [
        ("HUBSPOT_API_BASE", hs.clone()),
        ("HUBSPOT_AUTH_BASE", hs),
        ("INTUIT_AUTHORIZE_URL", format!("{q}/connect/oauth2")),
        ("INTUIT_TOKEN_URL", format!("{q}/oauth2/v1/tokens/bearer")),
        ("INTUIT_REVOKE_URL", format!("{q}/v2/oauth2/tokens/revoke")),
        ("QBO_API_BASE", q.clone()),
        ("QBO_SANDBOX_API_BASE", q),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The app's configuration aimed at the simulators.
pub async fn app_on(h: &Harness, qbo: &QboSim, hubspot: &HubSpotSim) -> App {
    app_on_with(h, qbo, hubspot, &[]).await
}

/// The same, with more configuration (e.g. another `PUBLIC_BASE_URL`).
pub async fn app_on_with(
    h: &Harness,
    qbo: &QboSim,
    hubspot: &HubSpotSim,
    more: &[(&str, &str)],
) -> App {
    let mut config = simulator_config(qbo, hubspot);
    config.extend(more.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    h.app(&config).await
}

fn tokens(access: String) -> TokenSet {
    TokenSet {
        access_token: access,
        refresh_token: "not-used-while-the-access-token-lives".into(),
        access_expires_at: chrono::Utc::now() + chrono::Duration::minutes(50),
        refresh_expires_at: None,
        scopes: Vec::new(),
    }
}

impl World {
    /// The demo companies US, UK and CA connected to the demo account.
    pub async fn new() -> Self {
        Self::with_companies(qbo_sim::Seed::demo(), &[US, UK, CA]).await
    }

    /// `realms` of the QuickBooks simulator started from `seed` connected to the demo account (e.g. the
    /// bench's generated company).
    pub async fn with_companies(seed: qbo_sim::Seed, realms: &[&str]) -> Self {
        let qbo = QboSim::start(seed).await.expect("qbo sim");
        let hubspot = HubSpotSim::start(hubspot_sim::Seed::demo())
            .await
            .expect("hubspot sim");
        let h = Harness::new().await;
        let app = app_on(&h, &qbo, &hubspot).await;
        let world = Self {
            h,
            app,
            qbo,
            hubspot,
            realms: realms.iter().map(|r| r.to_string()).collect(),
        };
        let now = chrono::Utc::now();
        Install {
            portal_id: PORTAL,
            installed_at: now,
            company_currency: "USD".into(),
        }
        .save(&world.app.store, now.timestamp())
        .await
        .expect("install");
        world.reissue_tokens().await;
        // What the install does: our deal properties exist in the account.
        let token = world.hubspot.issue_access_token();
        world
            .app
            .hubspot_api(&token)
            .ensure_deal_properties()
            .await
            .expect("deal properties");
        for realm in &world.realms {
            let token = world.qbo.issue_access_token(realm);
            let profile = world
                .app
                .qbo_api(Environment::Production, realm, Auth::Token(&token))
                .company_profile()
                .await
                .expect("company profile");
            Connection {
                portal_id: PORTAL,
                realm_id: realm.parse().expect("a realm id"),
                profile,
                environment: Environment::Production,
                status: Status::Active,
                connected_at: now,
                last_success_at: None,
            }
            .save(&world.app.store, now.timestamp())
            .await
            .expect("connection");
        }
        world
    }

    /// Fresh tokens from both simulators, as after a refresh (e.g. once a test moved a simulated clock past
    /// their expiry); the app's in-process copies are dropped.
    pub async fn reissue_tokens(&self) {
        let hubspot = Grant::HubSpot { portal_id: PORTAL };
        self.app
            .tokens
            .keep(&hubspot, &tokens(self.hubspot.issue_access_token()))
            .await
            .expect("hubspot tokens");
        for realm in &self.realms {
            let grant = Grant::QuickBooks {
                portal_id: PORTAL,
                realm_id: realm.parse().expect("a realm id"),
            };
            self.app
                .tokens
                .keep(&grant, &tokens(self.qbo.issue_access_token(realm)))
                .await
                .expect("qbo tokens");
        }
    }

    /// The sync's job queue on moto (with its dead-letter queue), and the app rebuilt to feed it, as the
    /// webhook route and the schedule do.
    pub async fn with_sync_queue(&mut self) -> LocalQueue {
        let name = format!("sync-{}", uuid::Uuid::new_v4().simple());
        let queue = LocalQueue::create(&self.h.sdk, &name, 1, 3)
            .await
            .expect("queues on moto");
        let url = [("SYNC_QUEUE_URL", queue.url.as_str())];
        self.app = app_on_with(&self.h, &self.qbo, &self.hubspot, &url).await;
        queue
    }

    /// A company's tokens as a finished connect leaves them: a live access token and the refresh token it
    /// came from (the other tokens here cannot be refreshed), for tests of token renewal.
    pub async fn connect_with_refresh(&self, realm: &str) {
        let (access, refresh) = self.qbo.issue_grant(realm);
        let grant = Grant::QuickBooks {
            portal_id: PORTAL,
            realm_id: realm.parse().expect("a realm id"),
        };
        let tokens = TokenSet {
            refresh_token: refresh,
            ..tokens(access)
        };
        self.app
            .tokens
            .keep(&grant, &tokens)
            .await
            .expect("qbo tokens");
    }

    /// The QuickBooks documents of one kind in a company, straight from the simulator's state.
    pub fn qbo_entities(&self, realm: &str, entity: &str) -> Vec<serde_json::Value> {
        let realm = realm.to_string();
        let entity = entity.to_string();
        self.qbo.with_state(move |sim| {
            sim.companies
                .get(&realm)
                .map(|c| c.records(&entity).to_vec())
                .unwrap_or_default()
        })
    }

    /// Calls a simulator's control API (`/_sim/faults`, `/_sim/clock`, …).
    pub async fn control(&self, base: &str, path: &str, body: serde_json::Value) {
        let res = reqwest::Client::new()
            .post(format!("{base}{path}"))
            .json(&body)
            .send()
            .await
            .expect("control call");
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }

    /// Turns both simulators' rate limits off, for runs that measure or fuzz our handlers rather than the
    /// waits the limits would add.
    pub async fn without_rate_limits(&self) {
        let qbo = serde_json::json!({ "rate_limits": false });
        self.control(&self.qbo.base_url(), "/_sim/settings", qbo)
            .await;
        let hubspot = serde_json::json!({ "enabled": false });
        self.control(&self.hubspot.base_url(), "/_sim/limits", hubspot)
            .await;
    }

    /// A QuickBooks API call as another app would make it (e.g. a payment recorded in QuickBooks).
    pub async fn qbo_post(
        &self,
        realm: &str,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let token = self.qbo.issue_access_token(realm);
        let res = reqwest::Client::new()
            .post(format!("{}/v3/company/{realm}/{path}", self.qbo.base_url()))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("qbo call");
        let status = res.status();
        let value: serde_json::Value = res.json().await.expect("qbo json");
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    /// A HubSpot record's properties as HubSpot holds them.
    pub async fn hubspot_record(
        &self,
        object_type: &str,
        id: &str,
        properties: &[&str],
    ) -> serde_json::Value {
        let res = reqwest::Client::new()
            .get(format!(
                "{}/crm/v3/objects/{object_type}/{id}?properties={}",
                self.hubspot.base_url(),
                properties.join(",")
            ))
            .bearer_auth(self.hubspot.issue_access_token())
            .send()
            .await
            .expect("hubspot call");
        res.json::<serde_json::Value>().await.expect("hubspot json")["properties"].clone()
    }

    /// Creates a HubSpot record (e.g. a payment on a deal) and returns its id.
    pub async fn hubspot_create(&self, object_type: &str, body: serde_json::Value) -> String {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/crm/v3/objects/{object_type}",
                self.hubspot.base_url()
            ))
            .bearer_auth(self.hubspot.issue_access_token())
            .json(&body)
            .send()
            .await
            .expect("hubspot call");
        let status = res.status();
        let value: serde_json::Value = res.json().await.expect("hubspot json");
        assert!(status.is_success(), "{status} {value}");
        value["id"].as_str().expect("id").to_string()
    }
}

//! Install, connect, refresh, reconnect and disconnect end to end (C1–C4, B5): the real handler and token
//! broker, moto, and the HubSpot and QuickBooks simulators over loopback, with the browser legs followed for real.

use hubspot_sim::HubSpotSim;
use oauth_callback::handle;
use qbo_sim::QboSim;
use serde_json::{json, Value};
use shared::connections::Connection;
use shared::ids::StateNonce;
use shared::store::keys;
use shared::tokens::{Grant, TokenError};
use shared::App;
use test_support::{
    json_of, signed_request, signed_request_with, unsigned_request, Harness, PUBLIC_BASE_URL,
};

const PORTAL: u64 = 62515;
const US: &str = "9130357766900011";
const UK: &str = "9130357766900022";

struct World {
    h: Harness,
    app: App,
    qbo: QboSim,
    hubspot: HubSpotSim,
}

impl World {
    async fn new() -> Self {
        let qbo = QboSim::start(qbo_sim::Seed::demo()).await.unwrap();
        let hubspot = HubSpotSim::start(hubspot_sim::Seed::demo()).await.unwrap();
        let h = Harness::new().await;
        let app = app_for(&h, &qbo, &hubspot).await;
        Self {
            h,
            app,
            qbo,
            hubspot,
        }
    }

    /// Another warm Lambda: same table, vault and simulators, its own in-process token cache.
    async fn sibling(&self) -> App {
        app_for(&self.h, &self.qbo, &self.hubspot).await
    }

    /// Follows a redirect to a simulator's consent screen and back: the URL our callback is sent to.
    async fn consent(&self, authorize_url: &str) -> String {
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(authorize_url)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_redirection(),
            "{authorize_url}: {}",
            res.status()
        );
        let back = res.headers()["location"].to_str().unwrap().to_string();
        back.strip_prefix(PUBLIC_BASE_URL)
            .expect("redirected to our public URL")
            .to_string()
    }

    async fn browse(&self, path_and_query: &str) -> (u16, String) {
        let res = handle(&self.app, unsigned_request("GET", path_and_query, ""))
            .await
            .unwrap();
        let body: &[u8] = res.body().as_ref();
        (
            res.status().as_u16(),
            String::from_utf8_lossy(body).into_owned(),
        )
    }

    /// Installs the app and returns the install page's connect links (production, sandbox).
    async fn install(&self) -> Vec<String> {
        let res = handle(
            &self.app,
            unsigned_request("GET", "/oauth/hubspot/install", ""),
        )
        .await
        .unwrap();
        assert_eq!(res.status(), 302);
        let to_hubspot = res.headers()["location"].to_str().unwrap().to_string();
        assert!(
            to_hubspot.starts_with(&self.hubspot.base_url()),
            "{to_hubspot}"
        );
        let callback = self.consent(&to_hubspot).await;
        let (status, page) = self.browse(&callback).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("HubSpot is connected"), "{page}");
        links(&page)
    }

    async fn connect(&self, connect_url: &str, realm: &str) -> (u16, String) {
        self.qbo
            .with_state(|s| s.consent_realm = Some(realm.to_string()));
        let callback = self.consent(connect_url).await;
        self.browse(&callback).await
    }

    async fn list(&self) -> Vec<Value> {
        let (status, body) = json_of(
            handle(
                &self.app,
                signed_request("GET", &format!("/connections?portalId={PORTAL}"), ""),
            )
            .await
            .unwrap(),
        );
        assert_eq!(status, 200, "{body}");
        body["companies"].as_array().unwrap().clone()
    }

    async fn signed_url(&self, method: &str, path: &str, body: &str) -> String {
        let (status, answer) = json_of(
            handle(&self.app, signed_request(method, path, body))
                .await
                .unwrap(),
        );
        assert_eq!(status, 200, "{answer}");
        answer["url"].as_str().unwrap().to_string()
    }

    /// Makes the stored access token look expired, as it is after an hour.
    async fn expire_access_token(&self, realm: &str) {
        let id = Grant::QuickBooks {
            portal_id: PORTAL,
            realm_id: realm.parse().expect("a realm id"),
        }
        .secret_id();
        let mut tokens = self.h.vault.read(&id).await.unwrap().unwrap();
        tokens.access_expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
        self.h.vault.write(&id, &tokens).await.unwrap();
    }

    fn refreshes(&self) -> Vec<String> {
        self.qbo
            .requests()
            .into_iter()
            .filter(|r| {
                r.path == "/oauth2/v1/tokens/bearer" && r.body.contains("grant_type=refresh_token")
            })
            .map(|r| r.body)
            .collect()
    }
}

/// An app whose HubSpot and Intuit hosts are the simulators.
async fn app_for(h: &Harness, qbo: &QboSim, hubspot: &HubSpotSim) -> App {
    let (q, hs) = (qbo.base_url(), hubspot.base_url());
    let urls = [
        format!("{q}/connect/oauth2"),
        format!("{q}/oauth2/v1/tokens/bearer"),
        format!("{q}/v2/oauth2/tokens/revoke"),
    ];
    h.app(&[
        ("HUBSPOT_API_BASE", &hs),
        ("HUBSPOT_AUTH_BASE", &hs),
        ("INTUIT_AUTHORIZE_URL", &urls[0]),
        ("INTUIT_TOKEN_URL", &urls[1]),
        ("INTUIT_REVOKE_URL", &urls[2]),
        ("QBO_API_BASE", &q),
        ("QBO_SANDBOX_API_BASE", &q),
    ])
    .await
}

/// The hrefs of an HTML page, unescaped.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

fn qbo_grant(realm: &str) -> Grant {
    Grant::QuickBooks {
        portal_id: PORTAL,
        realm_id: realm.parse().expect("a realm id"),
    }
}

#[tokio::test]
async fn install_then_connect_a_us_and_a_uk_company() {
    let w = World::new().await;
    let connect = w.install().await;
    assert_eq!(connect.len(), 2, "production and sandbox connect links");
    // The install stored the portal's currency and created our deal properties in HubSpot.
    let install: Value =
        w.h.store
            .get(&keys::install(PORTAL.into()), 0)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(install["company_currency"], "USD");
    let props = w
        .hubspot
        .with_state(|s| s.properties.get("deals").map(|p| p.len()).unwrap_or(0));
    assert_eq!(props, shared::hubspot::api::DEAL_PROPERTIES.len());
    assert!(w
        .h
        .vault
        .read(&Grant::HubSpot { portal_id: PORTAL }.secret_id())
        .await
        .unwrap()
        .is_some());

    let (status, page) = w.connect(&connect[0], US).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Sandbox US Widgets Inc."), "{page}");
    // Each connect URL is single use: a second company needs a fresh one.
    let second = w
        .signed_url(
            "POST",
            &format!("/connections/connect-url?portalId={PORTAL}"),
            r#"{"environment":"sandbox"}"#,
        )
        .await;
    let (status, page) = w.connect(&second, UK).await;
    assert_eq!(status, 200, "{page}");

    let companies = w.list().await;
    assert_eq!(companies.len(), 2);
    for (c, (realm, env)) in companies.iter().zip([(US, "production"), (UK, "sandbox")]) {
        assert_eq!(
            (
                c["realmId"].as_str(),
                c["environment"].as_str(),
                c["status"].as_str()
            ),
            (Some(realm), Some(env), Some("active"))
        );
    }
    let uk: Connection =
        w.h.store
            .get(&keys::connection(PORTAL.into(), &UK.parse().unwrap()), 0)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        (
            uk.profile.country.as_str(),
            uk.profile.home_currency.as_str()
        ),
        ("GB", "GBP")
    );
    assert!(uk.profile.line_tax_codes_required);
    for realm in [US, UK] {
        assert!(w
            .h
            .vault
            .read(&qbo_grant(realm).secret_id())
            .await
            .unwrap()
            .is_some());
    }
}

#[tokio::test]
async fn connecting_the_same_company_again_refreshes_the_grant_in_place() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    let before =
        w.h.vault
            .read(&qbo_grant(US).secret_id())
            .await
            .unwrap()
            .unwrap();
    let again = w
        .signed_url(
            "POST",
            &format!("/connections/connect-url?portalId={PORTAL}"),
            r#"{"environment":"production"}"#,
        )
        .await;
    let (status, _) = w.connect(&again, US).await;
    assert_eq!(status, 200);
    assert_eq!(w.list().await.len(), 1, "no duplicate connection");
    let after =
        w.h.vault
            .read(&qbo_grant(US).secret_id())
            .await
            .unwrap()
            .unwrap();
    assert_ne!(before.refresh_token, after.refresh_token);
}

#[tokio::test]
async fn used_expired_and_foreign_states_are_refused_and_store_nothing() {
    let w = World::new().await;
    let connect = w.install().await;
    w.qbo.with_state(|s| s.consent_realm = Some(US.into()));
    let callback = w.consent(&connect[0]).await;
    assert_eq!(w.browse(&callback).await.0, 200);
    // Replayed: the state was taken by the first callback.
    let (status, page) = w.browse(&callback).await;
    assert_eq!(status, 400);
    assert!(page.contains("expired or was already used"), "{page}");

    // Expired: a state past its ten minutes, even if TTL has not removed it yet.
    let past = chrono::Utc::now().timestamp() - 1;
    let expired = json!({"kind": "quick_books_connect", "portal_id": PORTAL, "environment": "production", "realm_id": null});
    w.h.store
        .put_single_use(
            &keys::oauth_state(&StateNonce::parse("expiredstate1").unwrap()),
            &expired,
            past,
            past - 600,
        )
        .await
        .unwrap();
    let (status, _) = w
        .browse(&format!(
            "/oauth/quickbooks/callback?code=x&state=expiredstate1&realmId={UK}"
        ))
        .await;
    assert_eq!(status, 400);

    // Foreign: an install's state at the QuickBooks callback, and a reconnect answered with another company.
    let res = handle(
        &w.app,
        unsigned_request("GET", "/oauth/hubspot/install", ""),
    )
    .await
    .unwrap();
    let install_state = url::Url::parse(res.headers()["location"].to_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, _) = w
        .browse(&format!(
            "/oauth/quickbooks/callback?code=x&state={install_state}&realmId={UK}"
        ))
        .await;
    assert_eq!(status, 400);
    let reconnect = w
        .signed_url(
            "POST",
            &format!("/connections/{US}/reconnect?portalId={PORTAL}"),
            "",
        )
        .await;
    let (status, page) = w.connect(&reconnect, UK).await;
    assert_eq!(status, 400);
    assert!(page.contains("different QuickBooks company"), "{page}");

    let companies = w.list().await;
    assert_eq!(
        companies.len(),
        1,
        "nothing but the first connect was stored: {companies:?}"
    );
    assert!(w
        .h
        .vault
        .read(&qbo_grant(UK).secret_id())
        .await
        .unwrap()
        .is_none());
    // Declined consent is a clear page too.
    w.qbo.with_state(|s| s.consent_denied = true);
    let url = w
        .signed_url(
            "POST",
            &format!("/connections/connect-url?portalId={PORTAL}"),
            r#"{"environment":"production"}"#,
        )
        .await;
    let (status, page) = w.connect(&url, UK).await;
    assert_eq!(status, 400);
    assert!(page.contains("declined"), "{page}");
}

#[tokio::test]
async fn twenty_five_concurrent_callers_share_one_refresh() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    w.expire_access_token(US).await;
    // Five warm Lambdas with five concurrent requests each.
    let mut apps = vec![w.app.clone()];
    for _ in 0..4 {
        apps.push(w.sibling().await);
    }
    let calls = (0..25).map(|i| {
        let app = apps[i % apps.len()].clone();
        tokio::spawn(async move { app.tokens.access_token(&qbo_grant(US)).await })
    });
    let mut tokens = std::collections::BTreeSet::new();
    for call in calls {
        tokens.insert(call.await.unwrap().expect("every caller gets a token"));
    }
    assert_eq!(
        w.refreshes().len(),
        1,
        "exactly one call to the token endpoint"
    );
    assert_eq!(tokens.len(), 1, "all callers use the refreshed token");
    let token = tokens.into_iter().next().unwrap();
    let res = reqwest::Client::new()
        .get(format!("{}/v3/company/{US}/preferences", w.qbo.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the refreshed token works");
}

#[tokio::test]
async fn rotated_refresh_tokens_are_stored_and_the_old_one_is_never_used_again() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    let old =
        w.h.vault
            .read(&qbo_grant(US).secret_id())
            .await
            .unwrap()
            .unwrap()
            .refresh_token;
    w.qbo
        .with_state(|s| s.rotation_age = chrono::Duration::zero());
    w.expire_access_token(US).await;
    w.app.tokens.access_token(&qbo_grant(US)).await.unwrap();
    let new =
        w.h.vault
            .read(&qbo_grant(US).secret_id())
            .await
            .unwrap()
            .unwrap()
            .refresh_token;
    assert_ne!(new, old, "the rotated refresh token is persisted");

    // Later refreshes, from any process, present the new token only.
    w.expire_access_token(US).await;
    let sibling = w.sibling().await;
    sibling.tokens.access_token(&qbo_grant(US)).await.unwrap();
    let refreshes = w.refreshes();
    assert_eq!(refreshes.len(), 2);
    assert!(
        refreshes[1].contains(&new) && !refreshes[1].contains(&old),
        "{refreshes:?}"
    );
}

#[tokio::test]
async fn a_revoked_grant_needs_a_reconnect_and_reconnect_heals_it() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    // The user disconnects the app inside QuickBooks: every grant of the company dies.
    w.qbo
        .with_state(|s| s.grants.values_mut().for_each(|g| g.revoked = true));
    w.expire_access_token(US).await;
    let err = w.app.tokens.access_token(&qbo_grant(US)).await.unwrap_err();
    assert!(matches!(err, TokenError::ReconnectNeeded(_)), "{err}");
    assert_eq!(w.list().await[0]["status"], "reconnect_needed");
    // Later requests, from any process, get the same clear answer without asking Intuit again.
    let refreshes = w.refreshes().len();
    let sibling = w.sibling().await;
    let again = shared::AppError::from(
        sibling
            .tokens
            .access_token(&qbo_grant(US))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (again.code().status(), w.refreshes().len()),
        (409, refreshes)
    );
    assert!(again.to_string().contains("reconnect"), "{again}");

    let reconnect = w
        .signed_url(
            "POST",
            &format!("/connections/{US}/reconnect?portalId={PORTAL}"),
            "",
        )
        .await;
    let (status, page) = w.connect(&reconnect, US).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(w.list().await[0]["status"], "active");
    assert!(w.app.tokens.access_token(&qbo_grant(US)).await.is_ok());
}

#[tokio::test]
async fn disconnect_revokes_at_intuit_and_deletes_the_secret() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    let secret_name = format!("{}{}", w.h.secret_prefix, qbo_grant(US).secret_id());
    let (status, body) = json_of(
        handle(
            &w.app,
            signed_request(
                "DELETE",
                &format!("/connections/{US}?portalId={PORTAL}"),
                "",
            ),
        )
        .await
        .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["company"]["status"], "disconnected");
    assert_eq!(w.qbo.count("POST", "/v2/oauth2/tokens/revoke"), 1);
    assert!(
        w.h.secrets
            .describe_secret()
            .secret_id(secret_name)
            .send()
            .await
            .is_err(),
        "the secret is gone"
    );
    assert_eq!(
        w.list().await[0]["status"],
        "disconnected",
        "kept as history"
    );
    let err = w.app.tokens.access_token(&qbo_grant(US)).await.unwrap_err();
    assert!(matches!(err, TokenError::NotConnected(_)), "{err}");
}

#[tokio::test]
async fn forged_stale_or_missing_signatures_get_401_and_touch_nothing() {
    let w = World::new().await;
    let connect = w.install().await;
    w.connect(&connect[0], US).await;
    let logged = w.qbo.requests().len();
    let now = test_support::now_ms();
    let secret = test_support::HUBSPOT_CLIENT_SECRET;
    let delete = format!("/connections/{US}?portalId={PORTAL}");
    let connect_url = format!("/connections/connect-url?portalId={PORTAL}");
    let body = r#"{"environment":"production"}"#;
    let cases = [
        signed_request_with("DELETE", &delete, "", "forged-secret", now),
        signed_request_with("DELETE", &delete, "", secret, now - 6 * 60 * 1000),
        unsigned_request("DELETE", &delete, ""),
        signed_request_with("POST", &connect_url, body, "forged-secret", now),
        unsigned_request("POST", &connect_url, body),
    ];
    for req in cases {
        let (status, answer) = json_of(handle(&w.app, req).await.unwrap());
        assert_eq!(status, 401, "{answer}");
    }
    assert_eq!(w.qbo.requests().len(), logged, "nothing reached Intuit");
    assert_eq!(w.list().await[0]["status"], "active");
    assert!(w
        .h
        .vault
        .read(&qbo_grant(US).secret_id())
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn upstream_failures_during_connect_render_a_clear_page_and_store_nothing() {
    let w = World::new().await;
    let connect = w.install().await;
    w.qbo.with_state(|s| {
        s.consent_realm = Some(US.into());
        s.recorder.faults.push(sim_fault("/preferences", 503));
    });
    let callback = w.consent(&connect[0]).await;
    let (status, page) = w.browse(&callback).await;
    assert_eq!(status, 502, "{page}");
    assert!(page.contains("QuickBooks"), "{page}");
    assert!(w.list().await.is_empty());
    assert!(w
        .h
        .vault
        .read(&qbo_grant(US).secret_id())
        .await
        .unwrap()
        .is_none());
}

fn sim_fault(path: &str, status: u16) -> qbo_sim::FaultRule {
    qbo_sim::FaultRule {
        path_contains: path.into(),
        method: None,
        kind: qbo_sim::FaultKind::Status {
            status,
            body: "<html>Service Unavailable</html>".into(),
            content_type: Some("text/html".into()),
        },
        // More than the client's retries: the failure is what the user sees.
        count: 10,
        delay_ms: 0,
        skip: 0,
    }
}

#[tokio::test]
async fn one_company_connected_to_two_portals_stays_separate() {
    let w = World::new().await;
    let first = w.install().await;
    w.connect(&first[0], US).await;
    // A second HubSpot account installs the app and connects the same QuickBooks company.
    w.hubspot.with_state(|s| s.seed.portal_id = 777);
    let second = w.install().await;
    w.connect(&second[0], US).await;

    for portal in [PORTAL, 777] {
        let (status, body) = json_of(
            handle(
                &w.app,
                signed_request("GET", &format!("/connections?portalId={portal}"), ""),
            )
            .await
            .unwrap(),
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["companies"].as_array().unwrap().len(),
            1,
            "{portal}: {body}"
        );
    }
    let a =
        w.h.vault
            .read(&qbo_grant(US).secret_id())
            .await
            .unwrap()
            .unwrap();
    let b =
        w.h.vault
            .read(
                &Grant::QuickBooks {
                    portal_id: 777,
                    realm_id: US.parse().expect("a realm id"),
                }
                .secret_id(),
            )
            .await
            .unwrap()
            .unwrap();
    assert_ne!(
        a.refresh_token, b.refresh_token,
        "each portal holds its own grant"
    );
    // Disconnecting in one portal leaves the other connected.
    let (status, _) = json_of(
        handle(
            &w.app,
            signed_request("DELETE", &format!("/connections/{US}?portalId=777"), ""),
        )
        .await
        .unwrap(),
    );
    assert_eq!(status, 200);
    assert_eq!(w.list().await[0]["status"], "active");
}

#[tokio::test]
async fn hubspot_tokens_are_refreshed_the_same_safe_way() {
    let w = World::new().await;
    w.install().await;
    let grant = Grant::HubSpot { portal_id: PORTAL };
    let mut tokens = w.h.vault.read(&grant.secret_id()).await.unwrap().unwrap();
    tokens.access_expires_at = chrono::Utc::now();
    w.h.vault.write(&grant.secret_id(), &tokens).await.unwrap();
    let calls = (0..10).map(|_| {
        let app = w.app.clone();
        let grant = grant.clone();
        tokio::spawn(async move { app.tokens.access_token(&grant).await })
    });
    for call in calls {
        call.await.unwrap().expect("a token");
    }
    let refreshes = w.hubspot.with_state(|s| {
        s.recorder
            .log
            .iter()
            .filter(|r| r.path.ends_with("/token") && r.body.contains("grant_type=refresh_token"))
            .count()
    });
    assert_eq!(refreshes, 1);
}

/// A HubSpot answer on the sync's property creation for contacts, `count` times.
fn contact_properties_fault(status: u16, body: &str, count: u32) -> hubspot_sim::FaultRule {
    hubspot_sim::FaultRule {
        path_contains: "/crm/v3/properties/contacts".into(),
        method: Some("POST".into()),
        kind: hubspot_sim::FaultKind::Status {
            status,
            body: body.into(),
            content_type: None,
        },
        count,
        delay_ms: 0,
        skip: 0,
    }
}

/// Whether the sync's unique key property of each object exists in the simulator, and the marker says so.
async fn sync_properties_made(w: &World) -> (Vec<bool>, bool) {
    use shared::sync::SyncObject;
    let made = w.hubspot.with_state(|s| {
        SyncObject::ALL
            .iter()
            .map(|o| (o.hubspot_object(), o.key_property()))
            .chain([("line_items", shared::sync::properties::LINE_KEY)])
            .map(|(object, key)| {
                s.properties
                    .get(object)
                    .and_then(|p| p.get(key))
                    .is_some_and(|p| p["hasUniqueValue"] == true)
            })
            .collect()
    });
    let marker: Option<Value> =
        w.h.store
            .get(&keys::sync_properties(PORTAL.into()), 0)
            .await
            .unwrap();
    (made, marker.is_some())
}

#[tokio::test]
async fn the_install_creates_the_sync_s_unique_key_properties() {
    let w = World::new().await;
    w.install().await;
    assert_eq!(sync_properties_made(&w).await, (vec![true; 4], true));
}

#[tokio::test]
async fn hubspot_throttling_or_down_leaves_the_sync_s_properties_to_the_first_sync() {
    for (status, body) in [
        (
            429,
            r#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"#,
        ),
        (502, "<html>Bad Gateway</html>"),
    ] {
        let w = World::new().await;
        // More than the client's retries: the install sees HubSpot refuse to answer.
        w.hubspot.with_state(|s| {
            s.recorder
                .faults
                .push(contact_properties_fault(status, body, 10))
        });
        w.install().await;
        let install: Option<Value> =
            w.h.store
                .get(&keys::install(PORTAL.into()), 0)
                .await
                .unwrap();
        assert!(install.is_some(), "{status}: installed all the same");
        let (made, marked) = sync_properties_made(&w).await;
        assert!(!made[0] && !marked, "{status}: {made:?} {marked}");

        // The first sync creates them.
        w.hubspot.with_state(|s| s.recorder.faults.clear());
        let token = w.hubspot.issue_access_token();
        let api = w.app.hubspot_api(&token);
        shared::sync::properties::ensure(&w.app, &api, PORTAL)
            .await
            .unwrap();
        assert_eq!(sync_properties_made(&w).await, (vec![true; 4], true));
    }
}

#[tokio::test]
async fn hubspot_refusing_the_sync_s_properties_fails_the_install_and_stores_nothing() {
    let w = World::new().await;
    let missing_scope = r#"{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","correlationId":"4a5e1b57-0d0c-4a38-9d3b-0c6f6b2d1b9e","errors":[{"message":"One or more of the following scopes are required.","context":{"requiredGranularScopes":["crm.schemas.contacts.write"]}}],"category":"MISSING_SCOPES"}"#;
    w.hubspot.with_state(|s| {
        s.recorder
            .faults
            .push(contact_properties_fault(403, missing_scope, 1))
    });
    let res = handle(
        &w.app,
        unsigned_request("GET", "/oauth/hubspot/install", ""),
    )
    .await
    .unwrap();
    let callback = w.consent(res.headers()["location"].to_str().unwrap()).await;
    let (status, page) = w.browse(&callback).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("HubSpot refused to create the properties the sync writes")
            && page.contains("install it again"),
        "{page}"
    );
    let install: Option<Value> =
        w.h.store
            .get(&keys::install(PORTAL.into()), 0)
            .await
            .unwrap();
    assert!(install.is_none(), "no install");
    assert!(w
        .h
        .vault
        .read(&Grant::HubSpot { portal_id: PORTAL }.secret_id())
        .await
        .unwrap()
        .is_none());
    assert!(!sync_properties_made(&w).await.1, "no marker");
}

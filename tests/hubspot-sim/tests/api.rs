//! The HubSpot simulator over loopback HTTP: OAuth, account details, properties, errors and limits.

use hubspot_sim::{HubSpotSim, Seed, CLIENT_ID, CLIENT_SECRET};
use serde_json::{json, Value};

const REDIRECT: &str = "https://app.example.test/oauth/hubspot/callback";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn consent(sim: &HubSpotSim) -> std::collections::HashMap<String, String> {
    let res = http()
        .get(format!("{}/oauth/authorize", sim.base_url()))
        .query(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", "oauth crm.objects.deals.read"),
            ("state", "st"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    location.query_pairs().into_owned().collect()
}

async fn token(sim: &HubSpotSim, version: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let mut fields = vec![("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)];
    fields.extend_from_slice(form);
    let res = http()
        .post(format!("{}/oauth/{version}/token", sim.base_url()))
        .form(&fields)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn access(sim: &HubSpotSim) -> Value {
    let params = consent(sim).await;
    let (status, body) = token(
        sim,
        "v3",
        &[
            ("grant_type", "authorization_code"),
            ("code", &params["code"]),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn call(
    sim: &HubSpotSim,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http()
        .request(method, format!("{}{path}", sim.base_url()))
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

#[tokio::test]
async fn oauth_issues_tokens_with_hub_id_on_every_token_path() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let params = consent(&sim).await;
    assert_eq!(params["state"], "st");
    let (status, body) = token(
        &sim,
        "v1",
        &[
            ("grant_type", "authorization_code"),
            ("code", &params["code"]),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hub_id"], 62515);
    assert_eq!(body["expires_in"], 1800);
    assert_eq!(body["token_use"], "access_token");
    let refresh = body["refresh_token"].as_str().unwrap();
    for version in ["v3", "2026-03"] {
        let (status, body) = token(
            &sim,
            version,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
        assert_eq!(status, 200, "{version}: {body}");
    }
    // Codes are single use; unknown refresh tokens and versions are refused.
    let (status, body) = token(
        &sim,
        "v3",
        &[
            ("grant_type", "authorization_code"),
            ("code", &params["code"]),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = token(
        &sim,
        "v3",
        &[("grant_type", "refresh_token"), ("refresh_token", "nope")],
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (400, Some("BAD_REFRESH_TOKEN"))
    );
    let res = http()
        .post(format!("{}/oauth/v9/token", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn consent_can_be_declined() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let res = http()
        .post(format!("{}/_sim/consent", sim.base_url()))
        .json(&json!({"deny": true}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let params = consent(&sim).await;
    assert_eq!(
        params.get("error").map(String::as_str),
        Some("access_denied")
    );
}

#[tokio::test]
async fn account_details_need_a_live_token() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let tokens = access(&sim).await;
    let t = tokens["access_token"].as_str().unwrap();
    let (status, body) = call(
        &sim,
        reqwest::Method::GET,
        "/account-info/v3/details",
        t,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["portalId"].as_u64(), body["companyCurrency"].as_str()),
        (Some(62515), Some("USD"))
    );

    let (status, body) = call(
        &sim,
        reqwest::Method::GET,
        "/account-info/v3/details",
        "forged",
        None,
    )
    .await;
    assert_eq!(
        (status, body["category"].as_str()),
        (401, Some("INVALID_AUTHENTICATION"))
    );
    assert!(body["correlationId"].as_str().is_some());
    let res = http()
        .post(format!("{}/_sim/clock", sim.base_url()))
        .json(&json!({"advance_seconds": 1800}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let (status, body) = call(
        &sim,
        reqwest::Method::GET,
        "/account-info/v3/details",
        t,
        None,
    )
    .await;
    assert_eq!(
        (status, body["category"].as_str()),
        (401, Some("EXPIRED_AUTHENTICATION"))
    );
}

#[tokio::test]
async fn properties_need_their_group_a_valid_type_and_a_unique_name() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let t = access(&sim).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let post = reqwest::Method::POST;
    let prop = json!({"name": "qbo_invoice_number", "label": "Invoice number", "type": "string", "fieldType": "text", "groupName": "quickbooks"});
    let (status, _) = call(
        &sim,
        post.clone(),
        "/crm/v3/properties/deals",
        &t,
        Some(prop.clone()),
    )
    .await;
    assert_eq!(status, 400, "the group does not exist yet");
    let group = json!({"name": "quickbooks", "label": "QuickBooks", "displayOrder": -1});
    assert_eq!(
        call(
            &sim,
            post.clone(),
            "/crm/v3/properties/deals/groups",
            &t,
            Some(group.clone())
        )
        .await
        .0,
        201
    );
    assert_eq!(
        call(
            &sim,
            post.clone(),
            "/crm/v3/properties/deals/groups",
            &t,
            Some(group)
        )
        .await
        .0,
        409
    );
    assert_eq!(
        call(
            &sim,
            post.clone(),
            "/crm/v3/properties/deals",
            &t,
            Some(prop.clone())
        )
        .await
        .0,
        201
    );
    let (status, body) = call(
        &sim,
        post.clone(),
        "/crm/v3/properties/deals",
        &t,
        Some(prop),
    )
    .await;
    assert_eq!(
        (status, body["category"].as_str()),
        (409, Some("OBJECT_ALREADY_EXISTS"))
    );
    let bad = json!({"name": "x", "label": "X", "type": "number", "fieldType": "text", "groupName": "quickbooks"});
    assert_eq!(
        call(
            &sim,
            post.clone(),
            "/crm/v3/properties/deals",
            &t,
            Some(bad)
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &sim,
            post,
            "/crm/v3/properties/widgets/groups",
            &t,
            Some(json!({"name": "a", "label": "b"}))
        )
        .await
        .0,
        400
    );
    let (status, body) = call(
        &sim,
        reqwest::Method::GET,
        "/crm/v3/properties/deals/qbo_invoice_number",
        &t,
        None,
    )
    .await;
    assert_eq!(
        (status, body["groupName"].as_str()),
        (200, Some("quickbooks"))
    );
    assert_eq!(sim.count("POST", "/crm/v3/properties/deals"), 6);
}

#[tokio::test]
async fn the_burst_limit_is_110_per_ten_seconds_with_the_documented_429() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let t = access(&sim).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut throttled = None;
    for i in 0..111 {
        let (status, body) = call(
            &sim,
            reqwest::Method::GET,
            "/account-info/v3/details",
            &t,
            None,
        )
        .await;
        if status == 429 {
            throttled = Some((i, body));
            break;
        }
    }
    let (at, body) = throttled.expect("the 111th request is throttled");
    assert_eq!(at, 110);
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["errorType"], "RATE_LIMIT");
}

#[tokio::test]
async fn unknown_paths_are_errors_and_faults_can_be_injected() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let t = access(&sim).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = call(&sim, reqwest::Method::GET, "/crm/v3/nothing-here", &t, None).await;
    assert_eq!((status, body["status"].as_str()), (404, Some("error")));
    let rule = json!({"path_contains": "/account-info", "kind": {"type": "status", "status": 502, "body": "bad gateway", "content_type": "text/plain"}});
    let res = http()
        .post(format!("{}/_sim/faults", sim.base_url()))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert_eq!(
        call(
            &sim,
            reqwest::Method::GET,
            "/account-info/v3/details",
            &t,
            None
        )
        .await
        .0,
        502
    );
    assert_eq!(
        call(
            &sim,
            reqwest::Method::GET,
            "/account-info/v3/details",
            &t,
            None
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn seed_and_reset_replace_the_portal() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let other = json!({"portalId": 777, "companyCurrency": "EUR", "timeZone": "Europe/Paris"});
    let res = http()
        .post(format!("{}/_sim/seed", sim.base_url()))
        .json(&other)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let t = access(&sim).await;
    assert_eq!(t["hub_id"], 777);
    let (_, details) = call(
        &sim,
        reqwest::Method::GET,
        "/account-info/v3/details",
        t["access_token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(details["companyCurrency"], "EUR");
    let res = http()
        .post(format!("{}/_sim/reset", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let (status, _) = call(
        &sim,
        reqwest::Method::GET,
        "/account-info/v3/details",
        t["access_token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(status, 401, "tokens are gone after a reset");
}

//! The simulator's Intuit OAuth, exercised over loopback HTTP like a real client.

mod common;

use common::{control, UK, US};
use qbo_sim::{QboSim, Seed, CLIENT_ID, CLIENT_SECRET};
use serde_json::Value;

const REDIRECT: &str = "https://app.example.test/oauth/quickbooks/callback";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Runs the consent screen and returns the redirect's query parameters.
async fn consent(sim: &QboSim, state: &str) -> std::collections::HashMap<String, String> {
    let res = no_redirects()
        .get(format!("{}/connect/oauth2", sim.base_url()))
        .query(&[
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("scope", "com.intuit.quickbooks.accounting"),
            ("redirect_uri", REDIRECT),
            ("state", state),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT));
    location.query_pairs().into_owned().collect()
}

async fn token(sim: &QboSim, form: &[(&str, &str)], secret: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/oauth2/v1/tokens/bearer", sim.base_url()))
        .basic_auth(CLIENT_ID, Some(secret))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn exchange(sim: &QboSim) -> Value {
    let params = consent(sim, "s1").await;
    let (status, body) = token(
        sim,
        &[
            ("grant_type", "authorization_code"),
            ("code", &params["code"]),
            ("redirect_uri", REDIRECT),
        ],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn company_info(sim: &QboSim, realm: &str, access: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(format!(
            "{}/v3/company/{realm}/companyinfo/{realm}?minorversion=75",
            sim.base_url()
        ))
        .bearer_auth(access)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers().contains_key("intuit_tid"),
        "every answer carries intuit_tid"
    );
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn consent_redirects_with_code_state_and_realm_or_access_denied() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let params = consent(&sim, "xyz").await;
    assert_eq!(params["state"], "xyz");
    assert_eq!(params["realmId"], US);
    assert!(!params["code"].is_empty());

    control(&sim, "consent", serde_json::json!({"realm_id": UK})).await;
    assert_eq!(consent(&sim, "a").await["realmId"], UK);
    control(&sim, "consent", serde_json::json!({"deny": true})).await;
    let denied = consent(&sim, "b").await;
    assert_eq!(
        denied.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert!(!denied.contains_key("code"));
}

#[tokio::test]
async fn code_exchange_is_basic_authenticated_and_single_use() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let params = consent(&sim, "s").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = token(&sim, &form, "wrong-secret").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = token(&sim, &form, CLIENT_SECRET).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["token_type"], "bearer");
    assert!(body["x_refresh_token_expires_in"].as_i64().unwrap() > 86_400 * 100);
    let (status, body) = token(&sim, &form, CLIENT_SECRET).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code works once"
    );
}

#[tokio::test]
async fn access_tokens_expire_and_then_get_the_lower_case_3200_fault() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let tokens = exchange(&sim).await;
    let access = tokens["access_token"].as_str().unwrap();
    let (status, body) = company_info(&sim, US, access).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["CompanyInfo"]["Country"], "US");
    assert!(
        body["time"].as_str().unwrap().ends_with("-08:00"),
        "company offset: {body}"
    );

    control(&sim, "clock", serde_json::json!({"advance_seconds": 3600})).await;
    let (status, body) = company_info(&sim, US, access).await;
    assert_eq!(status, 401);
    assert_eq!(body["fault"]["error"][0]["code"], "3200");
    assert_eq!(body["fault"]["type"], "AUTHENTICATION");
    // A token of one company cannot read another.
    let (status, _) = company_info(&sim, UK, access).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn refresh_rotates_after_the_configured_age_and_the_old_token_dies() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let first = exchange(&sim).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_string();
    // Within the rotation window, the same refresh token comes back.
    let (status, again) = token(
        &sim,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["refresh_token"], r1.as_str());

    control(
        &sim,
        "settings",
        serde_json::json!({"rotation_age_seconds": 60}),
    )
    .await;
    control(&sim, "clock", serde_json::json!({"advance_seconds": 61})).await;
    let (_, rotated) = token(
        &sim,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
        CLIENT_SECRET,
    )
    .await;
    let r2 = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(r2, r1);
    let (status, body) = token(
        &sim,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = token(
        &sim,
        &[("grant_type", "refresh_token"), ("refresh_token", r2)],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn revoke_kills_the_grant_and_its_access_tokens() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let tokens = exchange(&sim).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let res = reqwest::Client::new()
        .post(format!("{}/v2/oauth2/tokens/revoke", sim.base_url()))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .json(&serde_json::json!({ "token": refresh }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = company_info(&sim, US, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
    let (status, body) = token(
        &sim,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(sim.count("POST", "/v2/oauth2/tokens/revoke"), 1);
}

#[tokio::test]
async fn malformed_oauth_requests_are_refused() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let authorize = |client_id: &'static str, scope: &'static str| {
        no_redirects()
            .get(format!("{}/connect/oauth2", sim.base_url()))
            .query(&[
                ("client_id", client_id),
                ("response_type", "code"),
                ("scope", scope),
                ("redirect_uri", REDIRECT),
                ("state", "s"),
            ])
            .send()
    };
    assert_eq!(
        authorize("someone-else", "com.intuit.quickbooks.accounting")
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        authorize(CLIENT_ID, "openid").await.unwrap().status(),
        400,
        "the accounting scope is needed"
    );
    let (status, body) = token(&sim, &[("grant_type", "password")], CLIENT_SECRET).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = token(
        &sim,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "RT1-made-up"),
        ],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let params = consent(&sim, "s").await;
    let (status, body) = token(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("code", &params["code"]),
            ("redirect_uri", "https://elsewhere.test/cb"),
        ],
        CLIENT_SECRET,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the redirect_uri must match"
    );
    let revoke = reqwest::Client::new()
        .post(format!("{}/v2/oauth2/tokens/revoke", sim.base_url()))
        .json(&serde_json::json!({"token": "anything"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 401, "revoke needs the app's Basic auth");
}

//! OAuth (hubspot-api.md §1) and who may call (§6: 401, 403), over loopback HTTP.

mod common;

use common::{assert_error, http, Api};
use hubspot_sim::{CLIENT_ID, CLIENT_SECRET};
use serde_json::{json, Value};
use std::collections::HashMap;

const REDIRECT: &str = "https://app.example.test/oauth/hubspot/callback";

/// Goes through the consent screen; the redirect's query parameters.
async fn consent(api: &Api, path: &str, scope: &str, optional: &str) -> HashMap<String, String> {
    let res = http()
        .get(api.url(path))
        .query(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("optional_scope", optional),
            ("state", "st"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT), "{location}");
    location.query_pairs().into_owned().collect()
}

async fn form(api: &Api, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let mut all = vec![("client_id", CLIENT_ID), ("client_secret", CLIENT_SECRET)];
    all.extend_from_slice(fields);
    let res = http().post(api.url(path)).form(&all).send().await.unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn exchange(api: &Api, version: &str, code: &str) -> (u16, Value) {
    let path = format!("/oauth/{version}/token");
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    form(api, &path, &fields).await
}

#[tokio::test]
async fn consent_redirects_with_code_and_state_and_grants_the_asked_scopes() {
    let api = Api::start().await;
    for path in ["/oauth/authorize", "/oauth/62515/authorize"] {
        let params = consent(&api, path, "oauth crm.objects.deals.read", "automation").await;
        assert_eq!(params["state"], "st");
        let (status, body) = exchange(&api, "v3", &params["code"]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["hub_id"], 62515);
        assert_eq!(body["expires_in"], 1800);
        assert_eq!(body["token_use"], "access_token");
        assert_eq!(
            body["scopes"],
            json!(["automation", "crm.objects.deals.read", "oauth"])
        );
        assert!(body["refresh_token"].as_str().is_some());
    }
    let res = http()
        .get(api.url("/oauth/authorize"))
        .query(&[
            ("client_id", "someone-else"),
            ("redirect_uri", REDIRECT),
            ("scope", "oauth"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "an unknown app gets no consent screen");
}

#[tokio::test]
async fn consent_refuses_a_scope_name_hubspot_does_not_define() {
    let api = Api::start().await;
    for (scope, optional) in [
        ("oauth crm.objects.commerce_payments.read", ""),
        ("oauth", "crm.objects.widgets.read"),
    ] {
        let res = http()
            .get(api.url("/oauth/authorize"))
            .query(&[
                ("client_id", CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("scope", scope),
                ("optional_scope", optional),
                ("state", "st"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{scope} / {optional}: no redirect");
        assert!(res.headers().get("location").is_none());
        let body: Value = res.json().await.unwrap();
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("invalid scope name"), "{message}");
        assert!(message.contains(if optional.is_empty() {
            "commerce_payments"
        } else {
            "widgets"
        }));
    }
    // The SPEC's name for the same scope is accepted.
    let params = consent(
        &api,
        "/oauth/authorize",
        "oauth crm.objects.commercepayments.read",
        "",
    )
    .await;
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn consent_can_be_declined() {
    let api = Api::start().await;
    let (status, _) = api
        .control("POST", "/_sim/consent", Some(json!({"deny": true})))
        .await;
    assert_eq!(status, 204);
    let params = consent(&api, "/oauth/authorize", "oauth", "").await;
    assert_eq!(
        params.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert_eq!(params["state"], "st");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn every_token_path_exchanges_and_refreshes_and_codes_are_single_use() {
    let api = Api::start().await;
    for version in ["v1", "v3", "2026-03", "2026-09"] {
        let code = consent(&api, "/oauth/authorize", "oauth", "").await["code"].clone();
        let (status, body) = exchange(&api, version, &code).await;
        assert_eq!(status, 200, "{version}: {body}");
        let refresh = body["refresh_token"].as_str().unwrap();
        let path = format!("/oauth/{version}/token");
        let (status, renewed) = form(
            &api,
            &path,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
        assert_eq!(status, 200, "{version}: {renewed}");
        assert_ne!(renewed["access_token"], body["access_token"]);
        assert_eq!(renewed["hub_id"], 62515);
        let (status, again) = exchange(&api, version, &code).await;
        assert_eq!(
            (status, again["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    }
    let code = consent(&api, "/oauth/authorize", "oauth", "").await["code"].clone();
    assert_eq!(exchange(&api, "v9", &code).await.0, 404);
    let (status, body) = form(
        &api,
        "/oauth/v3/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://elsewhere.test/cb"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "redirect_uri must match"
    );
}

#[tokio::test]
async fn a_bad_refresh_token_or_client_gets_the_documented_400() {
    let api = Api::start().await;
    let (status, body) = form(
        &api,
        "/oauth/v3/token",
        &[("grant_type", "refresh_token"), ("refresh_token", "nope")],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        body["error_description"],
        "refresh token is invalid, expired or revoked"
    );
    assert_eq!(body["status"], "BAD_REFRESH_TOKEN");
    assert!(body["message"].is_string());
    let res = http()
        .post(api.url("/oauth/v3/token"))
        .form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", "wrong"),
            ("grant_type", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn introspect_takes_both_field_names_and_revoke_ends_a_refresh_token() {
    let api = Api::start().await;
    let code =
        consent(&api, "/oauth/authorize", "oauth crm.objects.deals.read", "").await["code"].clone();
    let tokens = exchange(&api, "v3", &code).await.1;
    let (access, refresh) = (
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    );
    for (version, field, token, use_) in [
        ("v3", "token", access, "access_token"),
        ("2026-03", "access_token", access, "access_token"),
        ("v3", "refresh_token", refresh, "refresh_token"),
    ] {
        let path = format!("/oauth/{version}/token/introspect");
        let (status, body) = form(&api, &path, &[(field, token), ("token_type_hint", use_)]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["active"], true, "{field}: {body}");
        assert_eq!(body["token_use"], use_);
        assert_eq!(body["hub_id"], 62515);
        assert_eq!(body["scopes"], json!(["crm.objects.deals.read", "oauth"]));
        for key in [
            "app_id",
            "client_id",
            "user_id",
            "signed_access_token",
            "is_private_distribution",
            "token_type",
        ] {
            assert!(body.get(key).is_some(), "{key} missing: {body}");
        }
    }
    let body = form(&api, "/oauth/v3/token/introspect", &[("token", "forged")])
        .await
        .1;
    assert_eq!(body, json!({"active": false}));

    assert_eq!(
        form(&api, "/oauth/v3/token/revoke", &[("token", refresh)])
            .await
            .0,
        204
    );
    let (status, body) = form(
        &api,
        "/oauth/v3/token",
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (400, Some("BAD_REFRESH_TOKEN"))
    );
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_get_401_and_missing_scopes_403() {
    let api = Api::start().await;
    let details = "/account-info/v3/details";
    assert_error(
        &api.call_as("", "GET", details, None).await,
        401,
        "INVALID_AUTHENTICATION",
    );
    assert_error(
        &api.call_as("forged", "GET", details, None).await,
        401,
        "INVALID_AUTHENTICATION",
    );

    let deals_only = api
        .sim
        .issue_access_token_with(&["oauth", "crm.objects.deals.read"]);
    assert_eq!(
        api.call_as(&deals_only, "GET", "/crm/v3/objects/deals/401", None)
            .await
            .0,
        200
    );
    let denied = api
        .call_as(
            &deals_only,
            "PATCH",
            "/crm/v3/objects/deals/401",
            Some(json!({"properties": {"amount": "1"}})),
        )
        .await;
    assert_error(&denied, 403, "MISSING_SCOPES");
    assert_eq!(
        denied.1["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.deals.write"])
    );
    let contacts = api
        .call_as(&deals_only, "GET", "/crm/v3/objects/contacts/201", None)
        .await;
    assert_error(&contacts, 403, "MISSING_SCOPES");
    let callback = api
        .call_as(
            &deals_only,
            "POST",
            "/automation/v4/actions/callbacks/ap-1/complete",
            Some(json!({"outputFields": {}})),
        )
        .await;
    assert_error(&callback, 403, "MISSING_SCOPES");

    let (status, _) = api
        .control(
            "POST",
            "/_sim/clock",
            Some(json!({"advance_seconds": 1799})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        api.call_as(&deals_only, "GET", details, None).await.0,
        200,
        "still live at 29:59"
    );
    api.control("POST", "/_sim/clock", Some(json!({"advance_seconds": 1})))
        .await;
    assert_error(
        &api.call_as(&deals_only, "GET", details, None).await,
        401,
        "EXPIRED_AUTHENTICATION",
    );
}

#[tokio::test]
async fn each_endpoint_takes_the_scopes_the_spec_names() {
    let api = Api::start().await;
    let payment = "/crm/v3/objects/commerce_payments/batch/read";
    let read = json!({"inputs": [{"id": "1"}], "properties": []});
    let deals_only = api
        .sim
        .issue_access_token_with(&["oauth", "crm.objects.deals.read"]);
    let denied = api
        .call_as(&deals_only, "POST", payment, Some(read.clone()))
        .await;
    assert_error(&denied, 403, "MISSING_SCOPES");
    assert_eq!(
        denied.1["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.commercepayments.read"])
    );
    let payments = api
        .sim
        .issue_access_token_with(&["crm.objects.commercepayments.read"]);
    assert_ne!(
        api.call_as(&payments, "POST", payment, Some(read)).await.0,
        403
    );
    // Notes ride on the contacts scopes; `oauth` reads one record's associations but not a batch of them.
    let oauth = api.sim.issue_access_token_with(&["oauth"]);
    assert_error(
        &api.call_as(&oauth, "GET", "/crm/v3/objects/notes/1", None)
            .await,
        403,
        "MISSING_SCOPES",
    );
    let one = "/crm/v4/objects/deals/401/associations/contacts";
    assert_eq!(api.call_as(&oauth, "GET", one, None).await.0, 200);
    let batch = api
        .call_as(
            &oauth,
            "POST",
            "/crm/v4/associations/deals/contacts/batch/read",
            Some(json!({"inputs": [{"id": "401"}]})),
        )
        .await;
    assert_error(&batch, 403, "MISSING_SCOPES");
}

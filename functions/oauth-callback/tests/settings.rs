//! The account's workflow-action settings (W4, W5): signed reads and replacements, defaults first, bad
//! documents refused with the reason.

use oauth_callback::handle;
use serde_json::{json, Value};
use shared::settings::{Settings, UnmatchedItem};
use test_support::{json_of, seed_portal, signed_request, unsigned_request, Harness};

const PATH: &str = "/settings?portalId=77";

#[tokio::test]
async fn settings_start_as_defaults_and_change_when_put() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 77, &[]).await;
    let (status, body) = json_of(handle(&app, signed_request("GET", PATH, "")).await.unwrap());
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "createCustomers": true, "unmatchedItem": "fail", "defaultItems": {}, "incomeAccounts": {} })
    );
    let wanted = json!({ "createCustomers": false, "unmatchedItem": "default_item", "defaultItems": { "9130": "3" }, "incomeAccounts": {} });
    let (status, body) = json_of(
        handle(&app, signed_request("PUT", PATH, &wanted.to_string()))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    let stored = Settings::load(&app.store, 77).await.unwrap();
    assert!(!stored.create_customers);
    assert_eq!(stored.unmatched_item, UnmatchedItem::DefaultItem);
    assert_eq!(
        stored.default_items.get("9130").map(|id| id.as_str()),
        Some("3")
    );
    let (_, body) = json_of(handle(&app, signed_request("GET", PATH, "")).await.unwrap());
    assert_eq!(body, wanted);
}

#[tokio::test]
async fn bad_settings_change_nothing() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 77, &[]).await;
    for (body, words) in [
        ("{not json", "not valid JSON"),
        (
            r#"{"createCustomers":true,"unmatchedItem":"fail","typo":1}"#,
            "unknown setting",
        ),
        (
            r#"{"createCustomers":"yes","unmatchedItem":"fail"}"#,
            "not valid",
        ),
        (
            r#"{"createCustomers":true,"unmatchedItem":"create"}"#,
            "not valid",
        ),
        (
            r#"{"createCustomers":true,"unmatchedItem":"fail","defaultItems":{"x":"1"}}"#,
            "digits",
        ),
        (
            r#"{"createCustomers":true,"unmatchedItem":"create_item","incomeAccounts":{"9130":"Sales"}}"#,
            "digits",
        ),
    ] {
        let (status, err) = json_of(
            handle(&app, signed_request("PUT", PATH, body))
                .await
                .unwrap(),
        );
        assert_eq!(status, 400, "{body}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(words),
            "{err}"
        );
    }
    assert_eq!(
        Settings::load(&app.store, 77).await.unwrap(),
        Settings::default()
    );
    let res = handle(&app, unsigned_request("PUT", PATH, "{}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (status, _) = json_of(
        handle(&app, signed_request("GET", "/settings?portalId=78", ""))
            .await
            .unwrap(),
    );
    assert_eq!(status, 404, "an account that never installed the app");
    let (status, _) = json_of(
        handle(&app, signed_request("DELETE", PATH, ""))
            .await
            .unwrap(),
    );
    assert_eq!(status, 405);
}

#[tokio::test]
async fn income_accounts_are_offered_and_checked_against_the_companys_accounts() {
    use test_support::world::{World, PORTAL, UK, US};
    let w = World::new().await;
    let path = |p: &str| format!("{p}?portalId={PORTAL}");
    let accounts =
        |realm: &str| format!("/settings/income-accounts?realmId={realm}&portalId={PORTAL}");
    let (status, body) = json_of(
        handle(&w.app, signed_request("GET", &accounts(US), ""))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    let mut ids: Vec<&str> = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["1", "79"], "income accounts only: {body}");
    assert!(body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "Services"));
    let put = |accounts: Value| {
        json!({ "createCustomers": true, "unmatchedItem": "create_item", "defaultItems": {}, "incomeAccounts": accounts })
            .to_string()
    };
    for (accounts, words) in [
        (json!({ US: "84" }), "not an income account"),
        (json!({ US: "999" }), "not an income account"),
        (json!({ UK: "79" }), "not an income account"),
        (json!({ "4242": "1" }), "not connected"),
    ] {
        let (status, err) = json_of(
            handle(
                &w.app,
                signed_request("PUT", &path("/settings"), &put(accounts.clone())),
            )
            .await
            .unwrap(),
        );
        assert_eq!(status, 400, "{accounts}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(words),
            "{err}"
        );
    }
    assert_eq!(
        Settings::load(&w.app.store, PORTAL).await.unwrap(),
        Settings::default(),
        "nothing saved"
    );
    let (status, body) = json_of(
        handle(
            &w.app,
            signed_request(
                "PUT",
                &path("/settings"),
                &put(json!({ US: "79", UK: "40" })),
            ),
        )
        .await
        .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    let stored = Settings::load(&w.app.store, PORTAL).await.unwrap();
    assert_eq!(stored.unmatched_item, UnmatchedItem::CreateItem);
    assert_eq!(
        stored.income_accounts.get(US).map(|id| id.as_str()),
        Some("79")
    );
    let (status, _) = json_of(
        handle(&w.app, signed_request("POST", &accounts(US), ""))
            .await
            .unwrap(),
    );
    assert_eq!(status, 405);
}

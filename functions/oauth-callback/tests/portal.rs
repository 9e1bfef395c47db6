//! The portal of a connections or settings request is the one HubSpot appended to the URL it signed. A URL
//! that already names `portalId` (or `userId`, `userEmail`, `appId`) is refused on every route, so a signed
//! request for one portal never reads or changes another's connections or settings (issue 10, item 1).

use oauth_callback::handle;
use serde_json::json;
use shared::connections::{Connection, Status};
use shared::settings::Settings;
use shared::store::keys;
use test_support::{fetched, json_of, seed_portal, signed_request, Harness};

const VICTIM: u64 = 62515;
const SIGNER: u64 = 99999;

#[tokio::test]
async fn a_query_naming_hubspots_parameters_twice_is_refused_on_every_route() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, VICTIM, &[("9130", "Victim Co", Status::Active)]).await;
    seed_portal(&h.store, SIGNER, &[("7777", "Signer Co", Status::Active)]).await;
    let settings = json!({ "createCustomers": false, "unmatchedItem": "fail", "defaultItems": {} });
    let routes = [
        ("GET", "/connections", String::new()),
        (
            "POST",
            "/connections/connect-url",
            json!({ "environment": "sandbox" }).to_string(),
        ),
        ("DELETE", "/connections/9130", String::new()),
        ("POST", "/connections/9130/reconnect", String::new()),
        ("GET", "/settings", String::new()),
        ("PUT", "/settings", settings.to_string()),
    ];
    for (method, route, body) in &routes {
        for (name, value) in [
            ("portalId", VICTIM.to_string()),
            ("userId", "1".into()),
            ("userEmail", "x%40example.com".into()),
            ("appId", "1".into()),
        ] {
            let url = fetched(&format!("{route}?{name}={value}"), SIGNER);
            let (status, answer) = json_of(
                handle(&app, signed_request(method, &url, body))
                    .await
                    .unwrap(),
            );
            assert_eq!(status, 400, "{method} {url}: {answer}");
            assert_eq!(
                answer["error"]["code"], "duplicate_parameter",
                "{url}: {answer}"
            );
            assert!(answer["error"]["message"].as_str().unwrap().contains(name));
            assert!(!answer.to_string().contains("Victim"), "{answer}");
        }
    }
    // Nothing of the other portal changed.
    let connection: Connection = h
        .store
        .get(
            &keys::connection(VICTIM.into(), &"9130".parse().unwrap()),
            0,
        )
        .await
        .unwrap()
        .expect("still there");
    assert_eq!(connection.status, Status::Active);
    assert_eq!(
        Settings::load(&h.store, VICTIM).await.unwrap(),
        Settings::default()
    );
    // Without the URL's own portalId the request is served for the portal HubSpot signed for.
    let (status, answer) = json_of(
        handle(
            &app,
            signed_request("GET", &fetched("/connections", SIGNER), ""),
        )
        .await
        .unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["companies"][0]["name"], "Signer Co", "{answer}");
}

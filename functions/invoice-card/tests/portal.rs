//! The portal of a card request is the one HubSpot appended to the URL it signed. A card URL that already
//! names `portalId` (or `userId`, `userEmail`, `appId`) is refused on every route, so a signed request for
//! one portal never reads or changes another's data (issue 10, item 1).

use invoice_card::handle;
use serde_json::json;
use shared::connections::Status;
use test_support::{fetched, json_of, seed_portal, signed_request, Harness};

/// The portal whose data is aimed at, and the portal HubSpot signs for.
const VICTIM: u64 = 62515;
const SIGNER: u64 = 99999;

/// Every signed card route, with what the card would send.
fn routes() -> Vec<(&'static str, &'static str, String)> {
    let create = json!({
        "idempotencyKey": "k-1", "realmId": "9130", "objectType": "deals", "objectId": "401",
        "type": "invoice", "customer": { "id": "58" },
        "lines": [{ "itemId": "1", "quantity": "1", "unitPrice": "10" }],
    });
    vec![
        ("GET", "/card/companies", String::new()),
        ("GET", "/card/records/deals/401", String::new()),
        (
            "GET",
            "/card/draft?objectType=deals&objectId=401&realmId=9130",
            String::new(),
        ),
        ("GET", "/card/customers?realmId=9130&q=a", String::new()),
        ("GET", "/card/items?realmId=9130&q=a", String::new()),
        ("POST", "/card/documents", create.to_string()),
        (
            "POST",
            "/card/documents/send",
            json!({ "realmId": "9130", "id": "130" }).to_string(),
        ),
        ("GET", "/card/invoices/search?realmId=9130", String::new()),
        (
            "POST",
            "/card/links",
            json!({ "realmId": "9130", "objectType": "deals", "objectId": "401", "documents": [] })
                .to_string(),
        ),
        (
            "GET",
            "/card/preview?realmId=9130&id=130&type=invoice",
            String::new(),
        ),
    ]
}

#[tokio::test]
async fn a_query_naming_hubspots_parameters_twice_is_refused_on_every_route() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, VICTIM, &[("9130", "Victim Co", Status::Active)]).await;
    seed_portal(&h.store, SIGNER, &[("7777", "Signer Co", Status::Active)]).await;
    let routes = routes();
    assert_eq!(routes.len(), 10);
    for (method, route, body) in &routes {
        for (name, value) in [
            ("portalId", VICTIM.to_string()),
            ("userId", "1".into()),
            ("userEmail", "x%40example.com".into()),
            ("appId", "1".into()),
        ] {
            let sep = if route.contains('?') { '&' } else { '?' };
            // The card asked for this URL; HubSpot appended its own parameters and signed the result.
            let url = fetched(&format!("{route}{sep}{name}={value}"), SIGNER);
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
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains(name), "{message}");
            assert!(!answer.to_string().contains("Victim"), "{answer}");
        }
    }
    // The same call without the card's own portalId is served for the portal HubSpot signed for.
    let (status, answer) = json_of(
        handle(
            &app,
            signed_request("GET", &fetched("/card/companies", SIGNER), ""),
        )
        .await
        .unwrap(),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["companies"][0]["name"], "Signer Co", "{answer}");
}

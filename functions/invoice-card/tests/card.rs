//! The card function through its real handler, moto and real v3 signatures.

use invoice_card::handle;
use shared::connections::Status;
use test_support::{
    json_of, now_ms, seed_portal, signed_request, signed_request_with, unsigned_request, Harness,
};

const COMPANIES: &str =
    "/card/companies?userId=1&portalId=62515&userEmail=jane%40example.com&appId=54321";

#[tokio::test]
async fn lists_the_portals_companies_with_their_health() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(
        &h.store,
        62515,
        &[
            ("9130", "US Co", Status::Active),
            ("9131", "UK Ltd", Status::ReconnectNeeded),
        ],
    )
    .await;
    seed_portal(&h.store, 99, &[("7777", "Someone else's", Status::Active)]).await;

    let (status, body) = json_of(
        handle(&app, signed_request("GET", COMPANIES, ""))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    let companies = body["companies"].as_array().unwrap();
    assert_eq!(companies.len(), 2, "{body}");
    assert_eq!(companies[0]["realmId"], "9130");
    assert_eq!(companies[0]["status"], "active");
    assert_eq!(companies[1]["name"], "UK Ltd");
    assert_eq!(companies[1]["status"], "reconnect_needed");
}

#[tokio::test]
async fn refuses_forged_stale_and_unsigned_requests() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 62515, &[("9130", "US Co", Status::Active)]).await;

    let forged = signed_request_with("GET", COMPANIES, "", "not-the-secret", now_ms());
    let stale = signed_request_with(
        "GET",
        COMPANIES,
        "",
        test_support::HUBSPOT_CLIENT_SECRET,
        now_ms() - 301_000,
    );
    let unsigned = unsigned_request("GET", COMPANIES, "");
    // A valid signature for one portal cannot be replayed for another.
    let mut swapped = signed_request("GET", COMPANIES, "");
    *swapped.uri_mut() = COMPANIES.replace("62515", "99").parse().unwrap();
    for req in [forged, stale, unsigned, swapped] {
        let (status, body) = json_of(handle(&app, req).await.unwrap());
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(body.to_string().contains("signature"), "{body}");
    }
}

#[tokio::test]
async fn clear_errors_for_unknown_portal_route_method_and_missing_portal() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    let cases = [
        (signed_request("GET", COMPANIES, ""), 404, "unknown_portal"),
        (
            signed_request("GET", "/card/nothing?portalId=62515", ""),
            404,
            "not_found",
        ),
        (
            signed_request("DELETE", COMPANIES, ""),
            405,
            "method_not_allowed",
        ),
        (
            signed_request("GET", "/card/companies?userId=1", ""),
            400,
            "bad_request",
        ),
        (
            signed_request("GET", "/card/companies?portalId=abc", ""),
            400,
            "bad_request",
        ),
    ];
    for (req, want, code) in cases {
        let (status, body) = json_of(handle(&app, req).await.unwrap());
        assert_eq!(
            (status, body["error"]["code"].as_str().unwrap()),
            (want, code),
            "{body}"
        );
    }
}

#[tokio::test]
async fn huge_bodies_are_refused_before_anything_else() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    let huge = "x".repeat(shared::http::MAX_BODY_BYTES + 1);
    let (status, body) = json_of(
        handle(&app, signed_request("POST", COMPANIES, &huge))
            .await
            .unwrap(),
    );
    assert_eq!(status, 413, "{body}");
}

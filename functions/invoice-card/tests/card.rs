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

/// An HTTP API (payload 2.0) event as API Gateway delivers it for `GET {path}?{query}` on `domain`.
fn api_gateway_event(
    domain: &str,
    path: &str,
    query: &str,
    headers: serde_json::Value,
) -> lambda_http::Request {
    let event = serde_json::json!({
        "version": "2.0", "routeKey": "ANY /card/{proxy+}", "rawPath": path, "rawQueryString": query,
        "headers": headers, "isBase64Encoded": false,
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123", "domainName": domain, "domainPrefix": "abc123",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "HubSpot"},
            "requestId": "r1", "routeKey": "ANY /card/{proxy+}", "stage": "$default",
            "time": "22/Nov/2026:12:00:00 +0000", "timeEpoch": 1795000000000_i64
        }
    });
    lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event")
}

#[tokio::test]
async fn without_a_custom_domain_the_api_gateway_domain_is_what_is_signed() {
    let h = Harness::new().await;
    let app = h.app(&[("PUBLIC_BASE_URL", "")]).await;
    seed_portal(&h.store, 62515, &[("9130", "US Co", Status::Active)]).await;
    let domain = "abc123.execute-api.eu-west-1.amazonaws.com";
    let query = "portalId=62515&userEmail=jane%40example.com";
    let ts = now_ms().to_string();
    let sign = |host: &str| {
        shared::verify::hubspot::sign_v3(
            test_support::HUBSPOT_CLIENT_SECRET,
            "GET",
            &format!("https://{host}/card/companies?{query}"),
            b"",
            &ts,
        )
    };
    let headers = |sig: String| serde_json::json!({"x-hubspot-signature-v3": sig, "x-hubspot-request-timestamp": ts, "host": "internal.example"});
    let ok = api_gateway_event(domain, "/card/companies", query, headers(sign(domain)));
    let (status, body) = json_of(handle(&app, ok).await.unwrap());
    assert_eq!(status, 200, "{body}");
    // A signature over another host (say, one a client put in the Host header) does not verify.
    let wrong = api_gateway_event(
        domain,
        "/card/companies",
        query,
        headers(sign("internal.example")),
    );
    assert_eq!(json_of(handle(&app, wrong).await.unwrap()).0, 401);
}

#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones_and_only_the_pdf_link_is_answered_unsigned() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    for (method, path, allow) in [
        ("DELETE", COMPANIES, "GET"),
        ("GET", "/card/documents?portalId=62515", "POST"),
        ("PUT", "/card/records/deals/401?portalId=62515", "GET"),
    ] {
        let res = handle(&app, signed_request(method, path, ""))
            .await
            .unwrap();
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let (status, body) = json_of(res);
        assert_eq!(status, 405, "{body}");
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }
    // The PDF link carries its own signature, so its path is answered without HubSpot's.
    let res = handle(&app, unsigned_request("POST", "/card/pdf?t=x", ""))
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET");
    // Every other path, known or not, is refused to an unsigned caller before a 404 or 405 says it exists.
    for (method, path) in [
        ("DELETE", COMPANIES),
        ("GET", "/card/nothing?portalId=62515"),
    ] {
        let res = handle(&app, unsigned_request(method, path, ""))
            .await
            .unwrap();
        assert!(res.headers().get("allow").is_none());
        assert_eq!(res.status(), 401, "{method} {path}");
    }
}

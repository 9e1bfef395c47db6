//! The connections API through the real handler, moto and real v3 signatures.

use oauth_callback::handle;
use shared::connections::Status;
use test_support::{
    json_of, seed_portal, signed_request, signed_request_with, unsigned_request, Harness,
};

const LIST: &str = "/connections?portalId=62515&userId=7&userEmail=ops%40example.com&appId=54321";

#[tokio::test]
async fn lists_companies_of_the_signed_portal_only() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(
        &h.store,
        62515,
        &[("1", "A", Status::Active), ("2", "B", Status::Disconnected)],
    )
    .await;
    seed_portal(&h.store, 1000, &[("3", "C", Status::Active)]).await;
    let (status, body) = json_of(handle(&app, signed_request("GET", LIST, "")).await.unwrap());
    assert_eq!(status, 200, "{body}");
    let realms: Vec<_> = body["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["realmId"].clone())
        .collect();
    assert_eq!(realms, ["1", "2"]);
    assert_eq!(body["companies"][1]["status"], "disconnected");
}

#[tokio::test]
async fn forged_and_missing_signatures_get_401_and_unknown_paths_404() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 62515, &[]).await;
    let forged = signed_request_with("GET", LIST, "", "wrong", test_support::now_ms());
    for req in [forged, unsigned_request("GET", LIST, "")] {
        let (status, body) = json_of(handle(&app, req).await.unwrap());
        assert_eq!(status, 401, "{body}");
    }
    let page = handle(&app, unsigned_request("GET", "/oauth/nowhere", ""))
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let (status, _) = json_of(
        handle(&app, signed_request("POST", LIST, "{}"))
            .await
            .unwrap(),
    );
    assert_eq!(status, 405);
}

#[tokio::test]
async fn a_wrong_method_names_the_allowed_ones_in_json_and_on_pages() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 62515, &[]).await;
    let connect_url = LIST.replace("/connections?", "/connections/connect-url?");
    let reconnect = LIST.replace("/connections?", "/connections/9130/reconnect?");
    for (method, path, allow) in [
        ("POST", LIST.to_string(), "GET"),
        // The literal segment wins: connect-url is never taken for a realm id.
        ("DELETE", connect_url, "POST"),
        ("GET", reconnect, "POST"),
        (
            "GET",
            LIST.replace("/connections?", "/connections/9130?"),
            "DELETE",
        ),
        (
            "DELETE",
            LIST.replace("/connections?", "/settings?"),
            "GET, PUT",
        ),
    ] {
        let res = handle(&app, signed_request(method, &path, ""))
            .await
            .unwrap();
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        assert_eq!(json_of(res).0, 405, "{method} {path}");
    }
    let page = handle(&app, unsigned_request("POST", "/oauth/hubspot/install", ""))
        .await
        .unwrap();
    assert_eq!(page.status(), 405);
    assert_eq!(page.headers()["allow"], "GET");
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
}

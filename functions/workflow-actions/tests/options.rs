//! The company options of the workflow actions through the real handler, moto and real v3 signatures.

use shared::connections::Status;
use test_support::{json_of, seed_portal, signed_request, signed_request_with, Harness};
use workflow_actions::handle;

const OPTIONS: &str = "/actions/options/companies";

fn options_body(portal: u64) -> String {
    serde_json::json!({
        "origin": {"portalId": portal, "actionDefinitionId": 2, "actionDefinitionVersion": 3},
        "objectTypeId": "0-3",
        "inputFieldName": "company",
        "inputFields": {},
        "fetchOptions": {}
    })
    .to_string()
}

#[tokio::test]
async fn offers_only_companies_that_can_take_a_document() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(
        &h.store,
        42,
        &[
            ("1", "Live Co", Status::Active),
            ("2", "Broken Co", Status::ReconnectNeeded),
        ],
    )
    .await;
    let (status, body) = json_of(
        handle(&app, signed_request("POST", OPTIONS, &options_body(42)))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"options": [{"label": "Live Co", "value": "1"}], "searchable": false})
    );
}

#[tokio::test]
async fn bad_input_gets_clear_4xx_answers() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    let cases = [
        (signed_request("POST", OPTIONS, "{not json"), 400),
        (
            signed_request("POST", OPTIONS, r#"{"origin":{"portalId":"x"}}"#),
            400,
        ),
        (signed_request("POST", OPTIONS, &options_body(404)), 404),
        (
            signed_request("POST", "/actions/unknown", &options_body(42)),
            404,
        ),
        (signed_request("GET", OPTIONS, &options_body(42)), 405),
        (
            signed_request_with(
                "POST",
                OPTIONS,
                &options_body(42),
                "forged",
                test_support::now_ms(),
            ),
            401,
        ),
    ];
    for (req, want) in cases {
        let (status, body) = json_of(handle(&app, req).await.unwrap());
        assert_eq!(status, want, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_wrong_method_names_post_in_allow() {
    let h = Harness::new().await;
    let app = h.app(&[]).await;
    seed_portal(&h.store, 42, &[]).await;
    for path in [OPTIONS, "/actions/options/taxcodes", "/actions/invoice"] {
        let res = handle(&app, signed_request("GET", path, &options_body(42)))
            .await
            .unwrap();
        assert_eq!(res.headers()["allow"], "POST", "{path}");
        assert_eq!(json_of(res).0, 405, "{path}");
    }
    let res = handle(
        &app,
        signed_request("POST", "/actions/unknown", &options_body(42)),
    )
    .await
    .unwrap();
    assert!(res.headers().get("allow").is_none());
    assert_eq!(res.status(), 404);
}

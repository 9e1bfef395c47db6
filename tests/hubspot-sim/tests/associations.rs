//! Associations v4 (hubspot-api.md §5 Associations v4), over loopback HTTP.

mod common;

use common::{assert_error, Api};
use serde_json::{json, Value};

fn type_ids(body: &Value) -> Vec<(String, u64)> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["associationTypes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (r["toObjectId"].to_string(), t["typeId"].as_u64().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn reads_carry_the_documented_type_ids_both_ways() {
    let api = Api::start().await;
    for (from, id, to, expected) in [
        ("deals", "401", "contacts", vec![("201", 3)]),
        ("contacts", "201", "deals", vec![("401", 4)]),
        ("deals", "401", "companies", vec![("101", 341)]),
        ("companies", "101", "deals", vec![("401", 342)]),
        ("deals", "401", "line_items", vec![("501", 19), ("502", 19)]),
        ("line_items", "501", "deals", vec![("401", 20)]),
        (
            "deals",
            "401",
            "quotes",
            vec![("601", 63), ("602", 63), ("603", 63)],
        ),
        ("quotes", "601", "deals", vec![("401", 64)]),
        ("quotes", "601", "line_items", vec![("506", 67)]),
    ] {
        let (status, body) = api
            .call(
                "GET",
                &format!("/crm/v4/objects/{from}/{id}/associations/{to}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let expected: Vec<(String, u64)> = expected
            .into_iter()
            .map(|(i, t)| (i.to_string(), t))
            .collect();
        assert_eq!(type_ids(&body), expected, "{from} {id} → {to}");
        assert_eq!(
            body["results"][0]["associationTypes"][0]["category"],
            "HUBSPOT_DEFINED"
        );
    }
    let (_, dated) = api
        .call(
            "GET",
            "/crm/objects/2026-09/deals/401/associations/contacts",
            None,
        )
        .await;
    assert_eq!(type_ids(&dated), [("201".to_string(), 3)]);
    assert_error(
        &api.call(
            "GET",
            "/crm/v4/objects/deals/401/associations/widgets",
            None,
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn default_and_labelled_creates_and_delete() {
    let api = Api::start().await;
    let (status, body) = api
        .call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/default/companies/102",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "COMPLETE");
    assert_eq!(
        body["results"][0]["associationSpec"],
        json!({"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341})
    );
    assert_eq!(body["results"][0]["from"]["id"], "403");
    let (_, reverse) = api
        .call(
            "GET",
            "/crm/v4/objects/companies/102/associations/deals",
            None,
        )
        .await;
    assert!(type_ids(&reverse).contains(&("403".to_string(), 342)));

    let primary = json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]);
    let (status, body) = api
        .call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/companies/102",
            Some(primary),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({"fromObjectTypeId": "0-3", "fromObjectId": "403", "toObjectTypeId": "0-2", "toObjectId": "102", "labels": ["Primary"]})
    );
    let (_, both) = api
        .call(
            "GET",
            "/crm/v4/objects/deals/403/associations/companies",
            None,
        )
        .await;
    assert_eq!(
        type_ids(&both),
        [("102".to_string(), 341), ("102".to_string(), 5)]
    );
    assert_eq!(
        both["results"][0]["associationTypes"][1]["label"],
        "Primary"
    );

    let wrong = json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]);
    assert_error(
        &api.call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/companies/102",
            Some(wrong),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    let user = json!([{"associationCategory": "USER_DEFINED", "associationTypeId": 5}]);
    assert_error(
        &api.call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/companies/102",
            Some(user),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_error(
        &api.call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/default/companies/999",
            None,
        )
        .await,
        404,
        "OBJECT_NOT_FOUND",
    );

    assert_eq!(
        api.call(
            "DELETE",
            "/crm/objects/2026-03/deals/403/associations/companies/102",
            None
        )
        .await
        .0,
        204
    );
    let (_, gone) = api
        .call(
            "GET",
            "/crm/v4/objects/companies/102/associations/deals",
            None,
        )
        .await;
    assert!(
        !type_ids(&gone).iter().any(|(id, _)| id == "403"),
        "both directions go"
    );
}

#[tokio::test]
async fn batch_read_create_default_and_archive() {
    let api = Api::start().await;
    let (status, body) = api
        .call(
            "POST",
            "/crm/v4/associations/deals/line_items/batch/read",
            Some(json!({"inputs": [{"id": "401"}, {"id": "402"}]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["from"]["id"], "401");
    assert_eq!(body["results"][0]["to"].as_array().unwrap().len(), 2);
    let (status, partial) = api
        .call(
            "POST",
            "/crm/associations/2026-09/deals/line_items/batch/read",
            Some(json!({"inputs": [{"id": "401"}, {"id": "999"}]})),
        )
        .await;
    assert_eq!(
        status, 207,
        "ids without associations are errors: {partial}"
    );
    assert_eq!(partial["numErrors"], 1);
    let too_many: Vec<Value> = (0..1001).map(|i| json!({"id": i.to_string()})).collect();
    assert_error(
        &api.call(
            "POST",
            "/crm/v4/associations/deals/line_items/batch/read",
            Some(json!({"inputs": too_many})),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );

    let create = json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "601"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 63}]}]});
    let (status, body) = api
        .call(
            "POST",
            "/crm/v4/associations/deals/quotes/batch/create",
            Some(create),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["results"][0]["toObjectId"], "601");
    let (_, deals) = api
        .call("GET", "/crm/v4/objects/quotes/601/associations/deals", None)
        .await;
    assert_eq!(
        type_ids(&deals),
        [("401".to_string(), 64), ("402".to_string(), 64)]
    );
    let missing = json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "999"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 63}]}]});
    assert_error(
        &api.call(
            "POST",
            "/crm/v4/associations/deals/quotes/batch/create",
            Some(missing),
        )
        .await,
        404,
        "OBJECT_NOT_FOUND",
    );

    let default = json!({"inputs": [{"from": {"id": "403"}, "to": {"id": "501"}}]});
    let (status, body) = api
        .call(
            "POST",
            "/crm/v4/associations/deals/line_items/batch/associate/default",
            Some(default),
        )
        .await;
    assert_eq!(
        (
            status,
            body["results"][0]["associationSpec"]["associationTypeId"].as_u64()
        ),
        (200, Some(19))
    );

    let archive =
        json!({"inputs": [{"from": {"id": "401"}, "to": [{"id": "501"}, {"id": "502"}]}]});
    assert_eq!(
        api.call(
            "POST",
            "/crm/v4/associations/deals/line_items/batch/archive",
            Some(archive)
        )
        .await
        .0,
        204
    );
    let (_, left) = api
        .call(
            "GET",
            "/crm/v4/objects/deals/401/associations/line_items",
            None,
        )
        .await;
    assert!(type_ids(&left).is_empty());
}

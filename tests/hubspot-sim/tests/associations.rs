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
async fn reads_carry_the_documented_type_ids_both_ways_highest_id_first() {
    let api = Api::start().await;
    for (from, id, to, expected) in [
        ("deals", "401", "contacts", vec![("201", 3)]),
        ("contacts", "201", "deals", vec![("401", 4)]),
        ("deals", "401", "companies", vec![("101", 5), ("101", 341)]),
        ("companies", "101", "deals", vec![("401", 6), ("401", 342)]),
        ("deals", "401", "line_items", vec![("502", 19), ("501", 19)]),
        ("line_items", "501", "deals", vec![("401", 20)]),
        (
            "deals",
            "401",
            "quotes",
            vec![("603", 63), ("602", 63), ("601", 63)],
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
        [("102".to_string(), 5), ("102".to_string(), 341)]
    );
    assert_eq!(
        both["results"][0]["associationTypes"][0]["label"],
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
        [("402".to_string(), 64), ("401".to_string(), 64)]
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

    // Some inputs name a missing record: the others are made, with a 207 naming the missing one.
    let mixed = json!({"inputs": [
        {"from": {"id": "403"}, "to": {"id": "601"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 63}]},
        {"from": {"id": "403"}, "to": {"id": "999"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 63}]}]});
    let (status, body) = api
        .call(
            "POST",
            "/crm/v4/associations/deals/quotes/batch/create",
            Some(mixed),
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body["results"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["results"][0]["toObjectId"], "601");
    assert_eq!(body["numErrors"], 1);
    assert_eq!(body["errors"][0]["context"]["objectId"], json!(["999"]));
    assert_eq!(body["errors"][0]["category"], "VALIDATION_ERROR");

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

/// Deal 401 with `n` more line items (ids from 900001), as many as a big deal can carry.
fn many_line_items(api: &Api, n: u64) {
    api.sim.with_state(|s| {
        for id in 900_001..=900_000 + n {
            s.put_record("line_items", id, Default::default());
            s.link("deals", 401, "line_items", id, 19);
        }
    });
}

fn to_ids(rows: &Value) -> Vec<u64> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["toObjectId"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn reads_page_at_500_with_an_after_cursor_and_a_link() {
    let api = Api::start().await;
    many_line_items(&api, 1_100);
    let path = "/crm/v4/objects/deals/401/associations/line_items";
    let mut seen = Vec::new();
    let mut next = path.to_string();
    let mut pages = 0;
    loop {
        let (status, body) = api.call("GET", &next, None).await;
        assert_eq!(status, 200, "{body}");
        let page = to_ids(&body["results"]);
        assert!(page.len() <= 500);
        seen.extend(page);
        pages += 1;
        let Some(after) = body["paging"]["next"]["after"].as_str() else {
            break;
        };
        let link = body["paging"]["next"]["link"].as_str().unwrap();
        assert!(
            link.starts_with(path) && link.contains(&format!("after={after}")),
            "{link}"
        );
        next = format!("{path}?after={after}");
    }
    assert_eq!(pages, 3, "500 + 500 + 102");
    assert_eq!(seen.len(), 1_102);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "one stable order across pages, no repeats");
    sorted.dedup();
    assert_eq!(sorted.len(), 1_102);

    // A larger limit is capped at 500; a smaller one pages smaller; a cursor must be one we gave.
    let (_, big) = api.call("GET", &format!("{path}?limit=1000"), None).await;
    assert_eq!(big["results"].as_array().unwrap().len(), 500);
    let (_, small) = api.call("GET", &format!("{path}?limit=2"), None).await;
    assert_eq!(to_ids(&small["results"]), [901_100, 901_099]);
    assert_eq!(small["paging"]["next"]["after"], "901099");
    for bad in ["limit=0", "limit=x", "after=not-a-cursor"] {
        assert_error(
            &api.call("GET", &format!("{path}?{bad}"), None).await,
            400,
            "VALIDATION_ERROR",
        );
    }
    // Without more rows there is no `paging`.
    let (_, deal) = api
        .call(
            "GET",
            "/crm/v4/objects/deals/402/associations/line_items",
            None,
        )
        .await;
    assert!(deal.get("paging").is_none(), "{deal}");
}

#[tokio::test]
async fn batch_reads_page_each_input_on_its_own() {
    let api = Api::start().await;
    many_line_items(&api, 600);
    let batch = "/crm/v4/associations/deals/line_items/batch/read";
    let (status, body) = api
        .call(
            "POST",
            batch,
            Some(json!({"inputs": [{"id": "401"}, {"id": "402"}]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let first = &body["results"][0];
    assert_eq!(first["to"].as_array().unwrap().len(), 500);
    let after = first["paging"]["next"]["after"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(body["results"][1].get("paging").is_none());
    let (_, rest) = api
        .call(
            "POST",
            batch,
            Some(json!({"inputs": [{"id": "401", "after": after}]})),
        )
        .await;
    assert_eq!(rest["results"][0]["to"].as_array().unwrap().len(), 102);
    assert!(rest["results"][0].get("paging").is_none(), "{rest}");
}

//! CRM search (hubspot-api.md §5 Search), over loopback HTTP.

mod common;

use common::{assert_error, ids, Api};
use serde_json::{json, Value};

fn filter(name: &str, op: &str, value: Value) -> Value {
    json!({"propertyName": name, "operator": op, "value": value})
}

async fn found(api: &Api, object: &str, filters: Vec<Value>) -> Vec<String> {
    let body = json!({"filterGroups": [{"filters": filters}], "limit": 100});
    let (status, answer) = api
        .call(
            "POST",
            &format!("/crm/v3/objects/{object}/search"),
            Some(body),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    ids(&answer)
}

async fn no_search_limit(api: &Api) {
    api.control(
        "POST",
        "/_sim/limits",
        Some(json!({"search_per_second": 1000})),
    )
    .await;
}

#[tokio::test]
async fn every_operator() {
    let api = Api::start().await;
    no_search_limit(&api).await;
    let sku = |op: &str, v: Value| found(&api, "line_items", vec![filter("hs_sku", op, v)]);
    assert_eq!(
        sku("EQ", json!("svc-consult")).await,
        ["501", "503", "505", "506"],
        "EQ ignores case"
    );
    assert_eq!(
        sku("NEQ", json!("SVC-CONSULT")).await,
        ["502", "504", "507"]
    );
    let qty = |op: &str, v: Value| found(&api, "line_items", vec![filter("quantity", op, v)]);
    assert_eq!(
        qty("GT", json!("2")).await,
        ["502", "506"],
        "numbers compare as numbers"
    );
    assert_eq!(qty("GTE", json!(2)).await, ["501", "502", "506"]);
    assert_eq!(qty("LT", json!("2")).await, ["503", "504", "505", "507"]);
    assert_eq!(qty("LTE", json!("1")).await, ["503", "504", "505", "507"]);
    let between =
        json!({"propertyName": "price", "operator": "BETWEEN", "value": "26", "highValue": "140"});
    assert_eq!(
        found(&api, "line_items", vec![between]).await,
        ["504", "506", "507"]
    );
    let within =
        json!({"propertyName": "hs_sku", "operator": "IN", "values": ["hw-widget", "NO-MATCH-1"]});
    assert_eq!(
        found(&api, "line_items", vec![within]).await,
        ["502", "504"]
    );
    let outside =
        json!({"propertyName": "hs_sku", "operator": "NOT_IN", "values": ["SVC-CONSULT"]});
    assert_eq!(
        found(&api, "line_items", vec![outside]).await,
        ["502", "504", "507"]
    );
    let has = json!({"propertyName": "hs_sku", "operator": "HAS_PROPERTY"});
    assert_eq!(found(&api, "line_items", vec![has]).await.len(), 6);
    let lacks = json!({"propertyName": "hs_sku", "operator": "NOT_HAS_PROPERTY"});
    assert_eq!(found(&api, "line_items", vec![lacks]).await, ["507"]);
    assert_eq!(
        found(
            &api,
            "contacts",
            vec![filter("email", "CONTAINS_TOKEN", json!("*@acme.example"))]
        )
        .await,
        ["201"]
    );
    assert_eq!(
        found(
            &api,
            "deals",
            vec![filter("dealname", "CONTAINS_TOKEN", json!("consulting"))]
        )
        .await,
        ["401"]
    );
    assert_eq!(
        found(
            &api,
            "deals",
            vec![filter(
                "dealname",
                "NOT_CONTAINS_TOKEN",
                json!("consulting")
            )]
        )
        .await,
        ["402", "403"]
    );
    let bad = found_status(
        &api,
        json!({"filterGroups": [{"filters": [filter("email", "SOUNDS_LIKE", json!("x"))]}]}),
    )
    .await;
    assert_error(&bad, 400, "VALIDATION_ERROR");
    let unknown = found_status(
        &api,
        json!({"filterGroups": [{"filters": [filter("nope", "EQ", json!("x"))]}]}),
    )
    .await;
    assert_error(&unknown, 400, "VALIDATION_ERROR");
}

async fn found_status(api: &Api, body: Value) -> (u16, Value) {
    api.call("POST", "/crm/v3/objects/contacts/search", Some(body))
        .await
}

#[tokio::test]
async fn groups_are_or_filters_are_and_and_query_matches_words() {
    let api = Api::start().await;
    no_search_limit(&api).await;
    let either = json!({"filterGroups": [
        {"filters": [filter("email", "EQ", json!("hank@globex.example"))]},
        {"filters": [filter("firstname", "EQ", json!("Ada")), filter("lastname", "EQ", json!("Lovelace"))]},
        {"filters": [filter("firstname", "EQ", json!("Ada")), filter("lastname", "EQ", json!("Byron"))]}
    ]});
    assert_eq!(ids(&found_status(&api, either).await.1), ["201", "202"]);
    let (_, q) = found_status(&api, json!({"query": "scorp"})).await;
    assert_eq!(ids(&q), ["202"]);
}

#[tokio::test]
async fn dates_compare_as_instants_so_sync_can_page_by_last_modified() {
    let api = Api::start().await;
    no_search_limit(&api).await;
    api.control(
        "POST",
        "/_sim/clock",
        Some(json!({"advance_seconds": 1000})),
    )
    .await;
    let (_, touched) = api
        .call(
            "PATCH",
            "/crm/v3/objects/deals/402",
            Some(json!({"properties": {"amount": "250"}})),
        )
        .await;
    let modified = touched["updatedAt"].as_str().unwrap();
    let ms = chrono::DateTime::parse_from_rfc3339(modified)
        .unwrap()
        .timestamp_millis();
    let body = json!({"filterGroups": [{"filters": [filter("hs_lastmodifieddate", "GTE", json!(ms.to_string()))]}],
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}], "properties": ["amount"]});
    let (status, answer) = api
        .call("POST", "/crm/v3/objects/deals/search", Some(body))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(ids(&answer), ["402"]);
    assert_eq!(
        answer["results"][0]["properties"]["hs_lastmodifieddate"],
        modified
    );
}

#[tokio::test]
async fn sorts_and_pages_and_leaves_archived_records_out() {
    let api = Api::start().await;
    no_search_limit(&api).await;
    let body = |after: Option<&str>| {
        let mut b = json!({"filterGroups": [{"filters": [filter("hs_sku", "EQ", json!("SVC-CONSULT"))]}],
            "sorts": [{"propertyName": "quantity", "direction": "DESCENDING"}], "properties": ["quantity"], "limit": 3});
        if let Some(a) = after {
            b["after"] = json!(a);
        }
        b
    };
    let (_, page1) = api
        .call(
            "POST",
            "/crm/v3/objects/line_items/search",
            Some(body(None)),
        )
        .await;
    assert_eq!(page1["total"], 4);
    assert_eq!(ids(&page1), ["506", "501", "503"]);
    assert_eq!(page1["paging"]["next"]["after"], "3");
    let (_, page2) = api
        .call(
            "POST",
            "/crm/v3/objects/line_items/search",
            Some(body(Some("3"))),
        )
        .await;
    assert_eq!(ids(&page2), ["505"]);
    assert!(page2.get("paging").is_none());
    api.call("DELETE", "/crm/v3/objects/line_items/506", None)
        .await;
    let (_, after_archive) = api
        .call(
            "POST",
            "/crm/v3/objects/line_items/search",
            Some(body(None)),
        )
        .await;
    assert_eq!(
        after_archive["total"], 3,
        "archived records are not searchable"
    );
}

#[tokio::test]
async fn request_limits() {
    let api = Api::start().await;
    no_search_limit(&api).await;
    assert_error(
        &found_status(&api, json!({"limit": 201})).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(found_status(&api, json!({"limit": 200})).await.0, 200);
    assert_error(
        &found_status(&api, json!({"limit": 100, "after": "9950"})).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(
        found_status(&api, json!({"limit": 100, "after": "9900"}))
            .await
            .0,
        200
    );
    let group =
        |n: usize| json!({"filters": vec![filter("email", "HAS_PROPERTY", Value::Null); n]});
    assert_error(
        &found_status(&api, json!({"filterGroups": [group(7)]})).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(
        found_status(&api, json!({"filterGroups": [group(6)]}))
            .await
            .0,
        200
    );
    let groups = |n: usize, each: usize| json!({"filterGroups": vec![group(each); n]});
    assert_error(
        &found_status(&api, groups(6, 1)).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_error(
        &found_status(&api, groups(4, 5)).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(
        found_status(&api, groups(3, 6)).await.0,
        200,
        "18 filters in all"
    );
    assert_error(
        &found_status(&api, json!({"query": "x".repeat(3000)})).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn five_searches_a_second_then_429() {
    let api = Api::start().await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(found_status(&api, json!({})).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|(s, _)| *s).collect();
    assert_eq!(codes, [200, 200, 200, 200, 200, 429]);
    let body = &statuses[5].1;
    assert_eq!(body["message"], "You have reached your secondly limit.");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    tokio::time::sleep(std::time::Duration::from_millis(1050)).await;
    assert_eq!(
        found_status(&api, json!({})).await.0,
        200,
        "the window rolls"
    );
}

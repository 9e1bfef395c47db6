//! The batch endpoints as the sync uses them: upsert by a unique key, read by it, the 100-input cap,
//! duplicates refused, 207s that name the one bad record, invoice associations in batches of up to 2,000,
//! the burst limit on batch writes, and the request log counted by kind.

mod common;

use common::{assert_error, ids, Api};
use hubspot_sim::{CallCounts, LimitSettings};
use serde_json::{json, Value};

fn customer(i: usize) -> Value {
    json!({"idProperty": "qbo_customer_key", "id": format!("9130:{i}"),
        "properties": {"firstname": format!("Customer {i}"), "email": format!("c{i}@example.com")}})
}

async fn upsert(api: &Api, object: &str, inputs: Vec<Value>) -> (u16, Value) {
    api.call(
        "POST",
        &format!("/crm/v3/objects/{object}/batch/upsert"),
        Some(json!({ "inputs": inputs })),
    )
    .await
}

#[tokio::test]
async fn upsert_by_a_unique_key_creates_then_updates_the_same_records() {
    let api = Api::start().await;
    api.unique_key("contacts", "qbo_customer_key").await;
    let (status, first) = upsert(&api, "contacts", (0..100).map(customer).collect()).await;
    assert_eq!(status, 200, "{first}");
    assert!(first["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["new"] == true));
    let mut again: Vec<Value> = (0..100).map(customer).collect();
    again[7]["properties"]["firstname"] = json!("Renamed");
    let (status, second) = upsert(&api, "contacts", again).await;
    assert_eq!(status, 200, "{second}");
    assert!(second["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["new"] == false));
    let (mut a, mut b) = (ids(&first), ids(&second));
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same 100 records");

    let over = upsert(&api, "contacts", (0..101).map(customer).collect()).await;
    assert_error(&over, 400, "VALIDATION_ERROR");

    // Read back by the key; a key nobody holds is a 207 listing it.
    let (status, read) = api
        .call(
            "POST",
            "/crm/v3/objects/contacts/batch/read",
            Some(json!({"idProperty": "qbo_customer_key", "properties": ["firstname", "qbo_customer_key"],
                "inputs": [{"id": "9130:7"}, {"id": "9130:404"}]})),
        )
        .await;
    assert_eq!(status, 207, "{read}");
    assert_eq!(read["results"][0]["properties"]["firstname"], "Renamed");
    assert_eq!(read["errors"][0]["context"]["ids"], json!(["9130:404"]));
}

#[tokio::test]
async fn a_batch_naming_a_record_twice_or_keyed_by_a_plain_property_is_refused_whole() {
    let api = Api::start().await;
    api.unique_key("contacts", "qbo_customer_key").await;
    let before = api.sim.with_state(|s| s.objects["contacts"].len());
    let twice = upsert(
        &api,
        "contacts",
        vec![customer(1), customer(2), customer(1)],
    )
    .await;
    assert_error(&twice, 400, "VALIDATION_ERROR");
    assert_eq!(
        twice.1["message"],
        "Duplicate IDs found in batch input: [9130:1]. IDs must be unique"
    );
    assert_eq!(twice.1["context"]["ids"], json!(["9130:1"]));
    let updates = json!({"inputs": [{"id": "201", "properties": {"phone": "1"}}, {"id": "201", "properties": {"phone": "2"}}]});
    let twice = api
        .call(
            "POST",
            "/crm/v3/objects/contacts/batch/update",
            Some(updates),
        )
        .await;
    assert_error(&twice, 400, "VALIDATION_ERROR");
    assert_eq!(twice.1["context"]["ids"], json!(["201"]));

    let plain = upsert(
        &api,
        "contacts",
        vec![json!({"idProperty": "firstname", "id": "Jane", "properties": {}})],
    )
    .await;
    assert_error(&plain, 400, "VALIDATION_ERROR");
    assert_eq!(
        plain.1["message"],
        "Unable to perform update/upsert by non-unique 0-1 property firstname in portal ID 62515"
    );
    assert_eq!(
        api.sim.with_state(|s| s.objects["contacts"].len()),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn a_new_contact_with_an_existing_email_is_a_conflict_and_upsert_by_email_matches_it() {
    let api = Api::start().await;
    api.unique_key("contacts", "qbo_customer_key").await;
    let mut clash = customer(5);
    clash["properties"]["email"] = json!("BILLING@acme.example");
    let refused = upsert(&api, "contacts", vec![customer(4), clash]).await;
    assert_error(&refused, 409, "CONFLICT");
    assert_eq!(
        refused.1["message"],
        "Contact already exists. Existing ID: 201"
    );
    let written = api.sim.with_state(|s| {
        s.objects["contacts"]
            .values()
            .any(|r| r.properties.get("email").map(String::as_str) == Some("c4@example.com"))
    });
    assert!(!written, "the batch failed whole");

    // Matched by e-mail first, the existing contact takes the key.
    let (status, matched) = upsert(
        &api,
        "contacts",
        vec![json!({"idProperty": "email", "id": "Billing@Acme.example",
        "properties": {"qbo_customer_key": "9130:5", "phone": "555-0100"}})],
    )
    .await;
    assert_eq!(status, 200, "{matched}");
    assert_eq!(
        (
            matched["results"][0]["id"].as_str(),
            &matched["results"][0]["new"]
        ),
        (Some("201"), &json!(false))
    );
    let (status, keyed) = upsert(&api, "contacts", vec![customer(5)]).await;
    assert_eq!(
        (status, keyed["results"][0]["id"].as_str()),
        (200, Some("201")),
        "the key now names 201: {keyed}"
    );
}

#[tokio::test]
async fn a_207_names_the_one_bad_record_and_keeps_the_rest() {
    let api = Api::start().await;
    api.unique_key("products", "qbo_item_key").await;
    let item = |i: usize, price: &str| {
        json!({"idProperty": "qbo_item_key", "id": format!("9130:{i}"), "objectWriteTraceId": format!("item-{i}"),
            "properties": {"name": format!("Item {i}"), "price": price}})
    };
    let (status, body) = upsert(
        &api,
        "products",
        vec![item(1, "10"), item(2, "ten"), item(3, "30")],
    )
    .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body["status"], "COMPLETE");
    assert_eq!(body["results"].as_array().unwrap().len(), 2);
    assert_eq!(body["numErrors"], 1);
    let error = &body["errors"][0];
    assert_eq!(error["status"], "error");
    assert_eq!(error["category"], "VALIDATION_ERROR");
    assert_eq!(error["context"]["objectWriteTraceId"], json!(["item-2"]));
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("Property values were not valid: [")
            && message.contains("INVALID_DECIMAL"),
        "{message}"
    );
    let (status, _) = api
        .call(
            "GET",
            "/crm/v3/objects/products/9130:3?idProperty=qbo_item_key",
            None,
        )
        .await;
    assert_eq!(status, 200, "the good records were written");

    // A conflict in a traced batch is its own 409 category in the list.
    let (status, body) = api
        .call(
            "POST",
            "/crm/v3/objects/contacts/batch/create",
            Some(json!({"inputs": [
            {"objectWriteTraceId": "a", "properties": {"email": "fresh@example.com"}},
            {"objectWriteTraceId": "b", "properties": {"email": "billing@acme.example"}}]})),
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body["errors"][0]["category"], "CONFLICT");
    assert_eq!(
        body["errors"][0]["message"],
        "Contact already exists. Existing ID: 201"
    );
    assert_eq!(
        body["errors"][0]["context"]["objectWriteTraceId"],
        json!(["b"])
    );
}

#[tokio::test]
async fn invoices_associate_in_batches_with_their_default_types() {
    let api = Api::start().await;
    let (_, made) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/create",
            Some(json!({"inputs": [{"properties": {"hs_currency": "USD", "hs_invoice_billable": "false"}},
                {"properties": {"hs_currency": "USD", "hs_invoice_billable": "false"}}]})),
        )
        .await;
    let invoices = ids(&made);
    let pairs = |to_id: &str| -> Value {
        json!({"inputs": invoices.iter().map(|i| json!({"from": {"id": i}, "to": {"id": to_id}})).collect::<Vec<_>>()})
    };
    for (to, to_id, forward, back) in [
        ("contacts", "201", 177, 178),
        ("deals", "401", 175, 176),
        ("line_items", "501", 409, 410),
    ] {
        let (status, body) = api
            .call(
                "POST",
                &format!("/crm/v4/associations/invoices/{to}/batch/associate/default"),
                Some(pairs(to_id)),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, read) = api
            .call(
                "GET",
                &format!("/crm/v4/objects/invoices/{}/associations/{to}", invoices[0]),
                None,
            )
            .await;
        assert_eq!(read["results"][0]["associationTypes"][0]["typeId"], forward);
        let (_, back_read) = api
            .call(
                "GET",
                &format!("/crm/v4/objects/{to}/{to_id}/associations/invoices"),
                None,
            )
            .await;
        assert!(
            back_read["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["associationTypes"][0]["typeId"] == back),
            "{back_read}"
        );
    }
    let labelled = |n: usize| -> Value {
        let one = json!({"from": {"id": invoices[0]}, "to": {"id": "202"},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 177}]});
        json!({ "inputs": vec![one; n] })
    };
    let path = "/crm/v4/associations/invoices/contacts/batch/create";
    assert_eq!(api.call("POST", path, Some(labelled(2000))).await.0, 201);
    assert_error(
        &api.call("POST", path, Some(labelled(2001))).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn batch_writes_count_against_the_burst_limit_which_a_switch_turns_off() {
    let api = Api::start().await;
    api.sim.set_limits(LimitSettings {
        burst: 5,
        ..Default::default()
    });
    let create = || {
        api.call(
            "POST",
            "/crm/v3/objects/products/batch/create",
            Some(json!({"inputs": [{"properties": {"name": "P"}}]})),
        )
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(create().await);
    }
    assert_eq!(
        statuses.iter().map(|s| s.0).collect::<Vec<_>>(),
        [201, 201, 201, 201, 201, 429]
    );
    assert_eq!(statuses[5].1["policyName"], "TEN_SECONDLY_ROLLING");
    api.sim.set_limits(LimitSettings {
        enabled: false,
        ..Default::default()
    });
    for _ in 0..10 {
        assert_eq!(create().await.0, 201);
    }
}

#[tokio::test]
async fn the_request_log_counts_calls_by_kind() {
    let api = Api::start().await;
    api.unique_key("contacts", "qbo_customer_key").await;
    upsert(&api, "contacts", vec![customer(1)]).await;
    api.call(
        "POST",
        "/crm/v3/objects/contacts/batch/read",
        Some(json!({"inputs": [{"id": "201"}]})),
    )
    .await;
    api.call("POST", "/crm/v3/objects/contacts/search", Some(json!({})))
        .await;
    api.call(
        "PUT",
        "/crm/v4/objects/deals/403/associations/default/contacts/201",
        None,
    )
    .await;
    api.call("GET", "/crm/v3/objects/deals/401", None).await;
    api.call(
        "PATCH",
        "/crm/v3/objects/deals/401",
        Some(json!({"properties": {"dealname": "Renamed"}})),
    )
    .await;
    let expected = CallCounts {
        batch_writes: 1,
        writes: 1,
        association_writes: 1,
        searches: 1,
        reads: 2,
        property_writes: 2,
        other: 0,
        total: 8,
    };
    assert_eq!(api.sim.calls(), expected);
    let (status, over_http) = api.control("GET", "/_sim/calls", None).await;
    assert_eq!(
        (status, over_http),
        (200, serde_json::to_value(&expected).unwrap())
    );
}

/// The key an upsert of `key` answered, and whether it created the record.
async fn upserted(api: &Api, key: &str) -> (String, bool) {
    let (status, body) = upsert(
        api,
        "contacts",
        vec![
            json!({"idProperty": "qbo_customer_key", "id": key, "properties": {"firstname": "x"}}),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let r = &body["results"][0];
    (r["id"].as_str().unwrap().to_string(), r["new"] == true)
}

#[tokio::test]
async fn batches_find_records_whatever_changed_them_between_batches() {
    let api = Api::start().await;
    api.unique_key("contacts", "qbo_customer_key").await;
    let (first, new) = upserted(&api, "9130:1").await;
    assert!(new);
    // A single-record update moves the key; the next batch finds the record by its new key only.
    let (status, _) = api
        .call(
            "PATCH",
            &format!("/crm/v3/objects/contacts/{first}"),
            Some(json!({"properties": {"qbo_customer_key": "9130:99"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(upserted(&api, "9130:99").await, (first.clone(), false));
    assert!(upserted(&api, "9130:1").await.1, "the old key is free");
    // An archived record's key is free again.
    api.call("DELETE", &format!("/crm/v3/objects/contacts/{first}"), None)
        .await;
    assert!(upserted(&api, "9130:99").await.1);
    // A record written behind the API's back (a test's big portal) is found too.
    api.sim.with_state(|s| {
        s.put_record(
            "contacts",
            5_000,
            [("qbo_customer_key".to_string(), "9130:500".to_string())].into(),
        )
    });
    assert_eq!(
        upserted(&api, "9130:500").await,
        ("5000".to_string(), false)
    );
    // A unique property made after the first batch identifies records at once.
    api.unique_key("contacts", "qbo_vendor_key").await;
    let by_vendor =
        json!({"inputs": [{"idProperty": "qbo_vendor_key", "id": "v1", "properties": {}}]});
    let path = "/crm/v3/objects/contacts/batch/upsert";
    let (_, made) = api.call("POST", path, Some(by_vendor.clone())).await;
    let (_, again) = api.call("POST", path, Some(by_vendor)).await;
    assert_eq!(made["results"][0]["id"], again["results"][0]["id"]);
    assert_eq!(again["results"][0]["new"], false);
}

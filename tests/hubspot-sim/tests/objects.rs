//! CRM objects (hubspot-api.md §5 Objects, Batch) and the demo seed, over loopback HTTP.

mod common;

use common::{assert_error, ids, Api};
use serde_json::{json, Value};

#[tokio::test]
async fn get_on_v3_type_id_and_date_versioned_paths_with_properties_and_associations() {
    let api = Api::start().await;
    for path in [
        "/crm/v3/objects/deals/401",
        "/crm/v3/objects/0-3/401",
        "/crm/objects/2026-03/deals/401",
        "/crm/objects/2026-09/deals/401",
    ] {
        let (status, deal) = api
            .call("GET", &format!("{path}?properties=dealname,amount,nonexistent&associations=contacts,line_items"), None)
            .await;
        assert_eq!(status, 200, "{path}: {deal}");
        assert_eq!(deal["id"], "401");
        assert_eq!(deal["properties"]["dealname"], "Acme consulting");
        assert_eq!(deal["properties"]["amount"], "402", "values are strings");
        assert_eq!(deal["properties"]["hs_object_id"], "401");
        assert!(
            deal["properties"].get("nonexistent").is_none(),
            "unknown properties are left out"
        );
        assert!(
            deal["properties"].get("dealstage").is_none(),
            "only what was asked"
        );
        assert_eq!(deal["archived"], false);
        assert!(deal["createdAt"].is_string() && deal["updatedAt"].is_string());
        let lines = ids(&deal["associations"]["line_items"]);
        assert_eq!(
            lines,
            ["502", "501"],
            "in HubSpot's read order, not the order made"
        );
        assert_eq!(
            deal["associations"]["contacts"]["results"][0]["type"],
            "deal_to_contact"
        );
    }
    let (_, deal) = api.call("GET", "/crm/v3/objects/deals/401", None).await;
    assert_eq!(
        deal["properties"]["dealstage"], "closedwon",
        "the type's defaults without `properties`"
    );
    assert_error(
        &api.call("GET", "/crm/objects/2024-01/deals/401", None)
            .await,
        404,
        "OBJECT_NOT_FOUND",
    );
    assert_error(
        &api.call("GET", "/crm/v3/objects/deals/999", None).await,
        404,
        "OBJECT_NOT_FOUND",
    );
    assert_error(
        &api.call("GET", "/crm/v3/objects/widgets/1", None).await,
        400,
        "VALIDATION_ERROR",
    );
}

#[tokio::test]
async fn create_update_archive_and_the_recycle_bin() {
    let api = Api::start().await;
    let (status, created) = api
        .call("POST", "/crm/v3/objects/contacts", Some(json!({"properties": {"email": "x@y.test", "firstname": "X"},
            "associations": [{"to": {"id": "101"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]}]})))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["properties"]["email"], "x@y.test");
    let id = created["id"].as_str().unwrap().to_string();
    let (_, links) = api
        .call(
            "GET",
            "/crm/v4/objects/companies/101/associations/contacts",
            None,
        )
        .await;
    assert!(links["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["toObjectId"].as_u64().map(|i| i.to_string()) == Some(id.clone())));

    let path = format!("/crm/v3/objects/contacts/{id}");
    let (status, updated) = api
        .call(
            "PATCH",
            &path,
            Some(json!({"properties": {"lastname": "Y"}})),
        )
        .await;
    assert_eq!(
        (status, updated["properties"]["lastname"].as_str()),
        (200, Some("Y"))
    );
    assert_eq!(
        updated["properties"]["firstname"], "X",
        "an update keeps the other values"
    );
    let (_, by_email) = api
        .call(
            "GET",
            "/crm/v3/objects/contacts/x@y.test?idProperty=email",
            None,
        )
        .await;
    assert_eq!(by_email["id"], id.as_str());

    assert_eq!(api.call("DELETE", &path, None).await.0, 204);
    assert_eq!(
        api.call("DELETE", &path, None).await.0,
        204,
        "archiving is idempotent"
    );
    assert_error(&api.call("GET", &path, None).await, 404, "OBJECT_NOT_FOUND");
    assert_error(
        &api.call("PATCH", &path, Some(json!({"properties": {}})))
            .await,
        404,
        "OBJECT_NOT_FOUND",
    );
    let (status, archived) = api
        .call("GET", &format!("{path}?archived=true"), None)
        .await;
    assert_eq!((status, archived["archived"].as_bool()), (200, Some(true)));
    assert!(archived["archivedAt"].is_string());
    let (_, bin) = api
        .call("GET", "/crm/v3/objects/contacts?archived=true", None)
        .await;
    assert_eq!(ids(&bin), vec![id.clone()]);
    let (_, live) = api
        .call("GET", "/crm/v3/objects/contacts?limit=100", None)
        .await;
    assert!(!ids(&live).contains(&id));
}

#[tokio::test]
async fn list_pages_with_after() {
    let api = Api::start().await;
    let (_, page1) = api
        .call(
            "GET",
            "/crm/v3/objects/line_items?limit=4&properties=hs_sku",
            None,
        )
        .await;
    assert_eq!(ids(&page1), ["501", "502", "503", "504"]);
    assert_eq!(page1["results"][0]["properties"]["hs_sku"], "SVC-CONSULT");
    let after = page1["paging"]["next"]["after"].as_str().unwrap();
    let (_, page2) = api
        .call(
            "GET",
            &format!("/crm/objects/2026-09/line_items?limit=4&after={after}"),
            None,
        )
        .await;
    assert_eq!(ids(&page2), ["505", "506", "507"]);
    assert!(page2.get("paging").is_none(), "the last page has no next");
}

#[tokio::test]
async fn writes_are_checked_against_the_property_definitions() {
    let api = Api::start().await;
    let write = |props: Value| {
        api.call(
            "PATCH",
            "/crm/v3/objects/deals/401",
            Some(json!({"properties": props})),
        )
    };
    let unknown = write(json!({"qbo_invoice_id": "130"})).await;
    assert_error(&unknown, 400, "VALIDATION_ERROR");
    assert_eq!(unknown.1["errors"][0]["code"], "PROPERTY_DOESNT_EXIST");
    assert_eq!(
        unknown.1["errors"][0]["context"]["propertyName"],
        json!(["qbo_invoice_id"])
    );
    assert_eq!(
        write(json!({"amount": "lots"})).await.1["errors"][0]["code"],
        "INVALID_DECIMAL"
    );
    assert_eq!(
        write(json!({"dealstage": "won-ish"})).await.1["errors"][0]["code"],
        "INVALID_OPTION"
    );
    assert_eq!(
        write(json!({"closedate": "next week"})).await.1["errors"][0]["code"],
        "INVALID_DATE"
    );
    let (status, ok) = write(
        json!({"amount": 450.5, "dealstage": "closedlost", "closedate": "2026-11-30T00:00:00Z"}),
    )
    .await;
    assert_eq!(
        (status, ok["properties"]["amount"].as_str()),
        (200, Some("450.5")),
        "numbers arrive as strings"
    );
    assert_error(
        &api.call("POST", "/crm/v3/objects/deals", Some(json!({})))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_error(
        &api.call(
            "POST",
            "/crm/v3/objects/deals",
            Some(json!({"properties": {"dealname": ["a"]}})),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );

    // Required on create: quotes a title and expiration date, invoices a currency.
    let quote = api
        .call(
            "POST",
            "/crm/v3/objects/quotes",
            Some(json!({"properties": {"hs_title": "Q"}})),
        )
        .await;
    assert_error(&quote, 400, "VALIDATION_ERROR");
    let (status, _) = api
        .call("POST", "/crm/v3/objects/quotes", Some(json!({"properties": {"hs_title": "Q", "hs_expiration_date": "2027-03-01", "hs_status": "DRAFT"}})))
        .await;
    assert_eq!(status, 201);
    assert_error(
        &api.call(
            "POST",
            "/crm/v3/objects/invoices",
            Some(json!({"properties": {}})),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(
        api.call(
            "POST",
            "/crm/v3/objects/invoices",
            Some(json!({"properties": {"hs_currency": "USD"}}))
        )
        .await
        .0,
        201
    );
}

/// A unique `qbo_invoice_id` on invoices, as the integration would define it.
async fn unique_invoice_property(api: &Api) {
    api.call(
        "POST",
        "/crm/v3/properties/invoices/groups",
        Some(json!({"name": "quickbooks", "label": "QuickBooks"})),
    )
    .await;
    let unique = json!({"name": "qbo_invoice_id", "label": "QuickBooks id", "type": "string", "fieldType": "text", "groupName": "quickbooks", "hasUniqueValue": true});
    assert_eq!(
        api.call("POST", "/crm/v3/properties/invoices", Some(unique))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn unique_values_are_enforced_and_upsert_finds_or_creates_by_them() {
    let api = Api::start().await;
    unique_invoice_property(&api).await;
    let upsert = |amount: &str| json!({"inputs": [{"idProperty": "qbo_invoice_id", "id": "9130-130", "properties": {"hs_currency": "USD", "hs_purchase_order_number": amount}}]});
    let (status, first) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/upsert",
            Some(upsert("750")),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["results"][0]["new"], true);
    assert_eq!(
        first["results"][0]["properties"]["qbo_invoice_id"],
        "9130-130"
    );
    let (_, second) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/upsert",
            Some(upsert("250")),
        )
        .await;
    assert_eq!(second["results"][0]["new"], false);
    assert_eq!(
        first["results"][0]["id"], second["results"][0]["id"],
        "the same record, updated"
    );
    assert_eq!(
        second["results"][0]["properties"]["hs_purchase_order_number"],
        "250"
    );
    let dup = api
        .call(
            "POST",
            "/crm/v3/objects/invoices",
            Some(json!({"properties": {"hs_currency": "USD", "qbo_invoice_id": "9130-130"}})),
        )
        .await;
    assert_error(&dup, 409, "CONFLICT");
    let not_unique = json!({"inputs": [{"idProperty": "dealname", "id": "x", "properties": {}}]});
    assert_error(
        &api.call(
            "POST",
            "/crm/v3/objects/deals/batch/upsert",
            Some(not_unique),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    let (status, contact) = api
        .call("POST", "/crm/v3/objects/contacts/batch/upsert", Some(json!({"inputs": [{"idProperty": "email", "id": "billing@acme.example", "properties": {"phone": "555"}}]})))
        .await;
    assert_eq!(
        (status, contact["results"][0]["id"].as_str()),
        (200, Some("201")),
        "contacts upsert by email"
    );
}

#[tokio::test]
async fn batch_read_create_update_archive_and_the_100_input_limit() {
    let api = Api::start().await;
    let too_many: Vec<Value> = (0..101).map(|i| json!({"id": i.to_string()})).collect();
    let over = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/read",
            Some(json!({"inputs": too_many})),
        )
        .await;
    assert_error(&over, 400, "VALIDATION_ERROR");
    let (status, read) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/read",
            Some(json!({"inputs": [{"id": "401"}, {"id": "402"}], "properties": ["dealname"]})),
        )
        .await;
    assert_eq!((status, read["status"].as_str()), (200, Some("COMPLETE")));
    assert_eq!(ids(&read), ["401", "402"]);
    assert!(read["startedAt"].is_string() && read["completedAt"].is_string());
    let (status, partial) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/read",
            Some(json!({"inputs": [{"id": "401"}, {"id": "999"}]})),
        )
        .await;
    assert_eq!(status, 207, "{partial}");
    assert_eq!(partial["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(partial["errors"][0]["context"]["ids"], json!(["999"]));

    let (status, created) = api
        .call(
            "POST",
            "/crm/objects/2026-09/notes/batch/create",
            Some(json!({"inputs": [
            {"properties": {"hs_timestamp": "2026-11-20T10:00:00Z", "hs_note_body": "one"}},
            {"properties": {"hs_timestamp": "2026-11-20T11:00:00Z", "hs_note_body": "two"}}]})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let new_ids = ids(&created);
    let updates: Vec<Value> = new_ids
        .iter()
        .map(|id| json!({"id": id, "properties": {"hs_note_body": "edited"}}))
        .collect();
    let (status, updated) = api
        .call(
            "POST",
            "/crm/objects/2026-09/notes/batch/update",
            Some(json!({"inputs": updates})),
        )
        .await;
    assert_eq!(
        (
            status,
            updated["results"][1]["properties"]["hs_note_body"].as_str()
        ),
        (200, Some("edited"))
    );
    let archive: Vec<Value> = new_ids.iter().map(|id| json!({"id": id})).collect();
    assert_eq!(
        api.call(
            "POST",
            "/crm/v3/objects/notes/batch/archive",
            Some(json!({"inputs": archive}))
        )
        .await
        .0,
        204
    );
    assert_eq!(
        api.call(
            "GET",
            &format!("/crm/v3/objects/notes/{}", new_ids[0]),
            None
        )
        .await
        .0,
        404
    );
    assert_error(
        &api.call(
            "POST",
            "/crm/v3/objects/notes/batch/merge",
            Some(json!({"inputs": []})),
        )
        .await,
        404,
        "OBJECT_NOT_FOUND",
    );
}

#[tokio::test]
async fn a_failing_input_fails_the_batch_unless_inputs_are_traced() {
    let api = Api::start().await;
    let inputs =
        json!([{"properties": {"dealname": "fine"}}, {"properties": {"amount": "not a number"}}]);
    let whole = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/create",
            Some(json!({"inputs": inputs})),
        )
        .await;
    assert_error(&whole, 400, "VALIDATION_ERROR");
    let (_, search) = api
        .call("POST", "/crm/v3/objects/deals/search", Some(json!({"filterGroups": [{"filters": [{"propertyName": "dealname", "operator": "EQ", "value": "fine"}]}]})))
        .await;
    assert_eq!(search["total"], 0, "nothing of a failed batch is written");

    let traced = json!([{"properties": {"dealname": "fine"}, "objectWriteTraceId": "a"},
                        {"properties": {"amount": "not a number"}, "objectWriteTraceId": "b"}]);
    let (status, body) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/create",
            Some(json!({"inputs": traced})),
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body["results"][0]["objectWriteTraceId"], "a");
    assert_eq!(body["numErrors"], 1);
    assert_eq!(
        body["errors"][0]["context"]["objectWriteTraceId"],
        json!(["b"])
    );
}

#[tokio::test]
async fn the_demo_seed_has_what_invoicing_needs() {
    let api = Api::start().await;
    let (_, lines) = api
        .call(
            "GET",
            "/crm/v3/objects/line_items?limit=100&properties=name,hs_sku",
            None,
        )
        .await;
    let skus: Vec<&str> = lines["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["properties"]["hs_sku"].as_str())
        .collect();
    assert!(
        skus.contains(&"SVC-CONSULT")
            && skus.contains(&"HW-WIDGET")
            && skus.contains(&"NO-MATCH-1")
    );
    let names: Vec<&str> = lines["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["properties"]["name"].as_str())
        .collect();
    assert!(names.contains(&"Consulting hours") && names.contains(&"Widget"));
    assert!(
        lines["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["properties"]["hs_sku"].is_null()),
        "one line item has no SKU"
    );
    let (_, quotes) = api
        .call(
            "GET",
            "/crm/v3/objects/quotes?properties=hs_status,hs_expiration_date",
            None,
        )
        .await;
    let states: Vec<(&str, &str)> = quotes["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["properties"]["hs_status"].as_str().unwrap(),
                q["properties"]["hs_expiration_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        states.contains(&("APPROVAL_NOT_NEEDED", "2027-01-31")),
        "published"
    );
    assert!(states.iter().any(|(s, _)| *s == "DRAFT"), "draft");
    assert!(
        states
            .iter()
            .any(|(s, d)| *s == "APPROVAL_NOT_NEEDED" && *d < "2026-11-01"),
        "published but expired"
    );
    let (_, products) = api
        .call("GET", "/crm/v3/objects/products?properties=hs_sku", None)
        .await;
    assert_eq!(products["results"].as_array().unwrap().len(), 3);
}

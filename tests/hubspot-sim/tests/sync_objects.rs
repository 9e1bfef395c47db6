//! The objects the QuickBooks sync writes (contacts, products, invoices, line items) with HubSpot's property
//! rules: computed values refused, invoice statuses and amounts as HubSpot derives them, e-mail and
//! `hasUniqueValue` properties unique.

mod common;

use common::{assert_error, Api};
use serde_json::{json, Value};

/// A created record's id.
async fn create(api: &Api, object: &str, body: Value) -> String {
    let (status, made) = api
        .call("POST", &format!("/crm/v3/objects/{object}"), Some(body))
        .await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_string()
}

async fn invoice_props(api: &Api, id: &str, names: &str) -> Value {
    let (status, got) = api
        .call(
            "GET",
            &format!("/crm/v3/objects/invoices/{id}?properties={names}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{got}");
    got["properties"].clone()
}

async fn patch_invoice(api: &Api, id: &str, props: Value) -> (u16, Value) {
    api.call(
        "PATCH",
        &format!("/crm/v3/objects/invoices/{id}"),
        Some(json!({ "properties": props })),
    )
    .await
}

#[tokio::test]
async fn computed_properties_are_refused_with_hubspots_read_only_error() {
    let api = Api::start().await;
    for (object, name) in [
        ("invoices", "hs_amount_billed"),
        ("invoices", "hs_balance_due"),
        ("invoices", "hs_amount_paid"),
        ("contacts", "hs_object_id"),
        ("products", "hs_lastmodifieddate"),
    ] {
        let mut props = match object {
            "invoices" => json!({"hs_currency": "USD"}),
            _ => json!({}),
        };
        props[name] = json!("10");
        let refused = api
            .call(
                "POST",
                &format!("/crm/v3/objects/{object}"),
                Some(json!({ "properties": props })),
            )
            .await;
        assert_error(&refused, 400, "VALIDATION_ERROR");
        let error = &refused.1["errors"][0];
        assert_eq!(error["code"], "READ_ONLY_VALUE", "{object}.{name}");
        assert_eq!(
            error["message"],
            format!("\"{name}\" is a read only property; its value cannot be set.")
        );
        assert_eq!(error["context"]["propertyName"], json!([name]));
        let message = refused.1["message"].as_str().unwrap();
        assert!(
            message.starts_with("Property values were not valid: [")
                && message.contains("\"localizedErrorMessage\"")
                && message.contains("\"portalId\":62515"),
            "{message}"
        );
    }
    let (_, def) = api
        .call("GET", "/crm/v3/properties/invoices/hs_balance_due", None)
        .await;
    assert_eq!(def["modificationMetadata"]["readOnlyValue"], true);
    let (_, def) = api
        .call("GET", "/crm/v3/properties/invoices/hs_due_date", None)
        .await;
    assert_eq!(
        (
            def["type"].as_str(),
            &def["modificationMetadata"]["readOnlyValue"]
        ),
        (Some("datetime"), &json!(false))
    );
}

#[tokio::test]
async fn an_invoice_is_a_dated_draft_billed_from_its_line_items() {
    let api = Api::start().await;
    let invoice = create(
        &api,
        "invoices",
        json!({"properties": {"hs_currency": "USD", "hs_due_date": "1732537679000"}}),
    )
    .await;
    let props = invoice_props(
        &api,
        &invoice,
        "hs_invoice_status,hs_invoice_date,hs_due_date,hs_amount_billed,hs_balance_due,hs_amount_paid",
    )
    .await;
    assert_eq!(props["hs_invoice_status"], "draft");
    assert!(props["hs_invoice_date"].is_string(), "dated now: {props}");
    assert_eq!(
        props["hs_due_date"], "1732537679000",
        "a datetime in epoch ms"
    );
    assert_eq!(props["hs_amount_billed"], "0", "no line items yet");

    // Line items made for the invoice (line item -> invoice is type 410); the amount is HubSpot's sum.
    for (price, quantity) in [("100", "2"), ("49.5", "1")] {
        create(&api, "line_items", json!({
            "properties": {"name": "Line", "price": price, "quantity": quantity},
            "associations": [{"to": {"id": invoice}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 410}]}]
        })).await;
    }
    let props = invoice_props(
        &api,
        &invoice,
        "hs_amount_billed,hs_balance_due,hs_amount_paid",
    )
    .await;
    assert_eq!(
        props,
        json!({"hs_amount_billed": "249.5", "hs_balance_due": "249.5", "hs_amount_paid": "0",
            "hs_object_id": invoice, "createdate": props["createdate"],
            "hs_lastmodifieddate": props["hs_lastmodifieddate"]})
    );
    let negative = api
        .call(
            "POST",
            "/crm/v3/objects/line_items",
            Some(json!({"properties": {"name": "Refund", "price": "-5", "quantity": "1"}})),
        )
        .await;
    assert_error(&negative, 400, "VALIDATION_ERROR");
    assert_eq!(
        negative.1["errors"][0]["context"]["propertyName"],
        json!(["price"])
    );
}

#[tokio::test]
async fn status_open_needs_a_contact_and_a_line_item_unless_non_billable_and_paid_is_never_written()
{
    let api = Api::start().await;
    let billable = create(
        &api,
        "invoices",
        json!({"properties": {"hs_currency": "USD"}}),
    )
    .await;
    let refused = patch_invoice(&api, &billable, json!({"hs_invoice_status": "open"})).await;
    assert_error(&refused, 400, "VALIDATION_ERROR");
    assert!(refused.1["message"]
        .as_str()
        .unwrap()
        .contains("one contact and at least one line item"));
    let paid = patch_invoice(&api, &billable, json!({"hs_invoice_status": "paid"})).await;
    assert_error(&paid, 400, "VALIDATION_ERROR");

    // With its contact (invoice -> contact 177) and a line item it opens.
    let (status, _) = api
        .call(
            "PUT",
            &format!("/crm/v4/objects/invoices/{billable}/associations/default/contacts/201"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    create(&api, "line_items", json!({
        "properties": {"name": "Line", "price": "10", "quantity": "1"},
        "associations": [{"to": {"id": billable}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 410}]}]
    })).await;
    let (status, opened) =
        patch_invoice(&api, &billable, json!({"hs_invoice_status": "open"})).await;
    assert_eq!(
        (status, &opened["properties"]["hs_invoice_status"]),
        (200, &json!("open"))
    );

    // A non-billable invoice skips HubSpot's invoice validation: it opens (and voids) alone.
    let mirror = create(&api, "invoices", json!({"properties": {"hs_currency": "USD", "hs_invoice_billable": "false", "hs_invoice_status": "open"}})).await;
    let (status, _) = patch_invoice(&api, &mirror, json!({"hs_invoice_status": "voided"})).await;
    assert_eq!(status, 200);
    assert_error(
        &patch_invoice(&api, &mirror, json!({"hs_invoice_status": "paid"})).await,
        400,
        "VALIDATION_ERROR",
    );

    // Only drafts can be deleted, alone or in a batch (which then archives nothing).
    let deleted = api
        .call(
            "DELETE",
            &format!("/crm/v3/objects/invoices/{mirror}"),
            None,
        )
        .await;
    assert_error(&deleted, 400, "VALIDATION_ERROR");
    let draft = create(
        &api,
        "invoices",
        json!({"properties": {"hs_currency": "USD"}}),
    )
    .await;
    let batch = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/archive",
            Some(json!({"inputs": [{"id": draft}, {"id": billable}]})),
        )
        .await;
    assert_error(&batch, 400, "VALIDATION_ERROR");
    assert_eq!(
        invoice_props(&api, &draft, "hs_invoice_status").await["hs_invoice_status"],
        "draft",
        "the draft was not archived either"
    );
    let (status, _) = api
        .call("DELETE", &format!("/crm/v3/objects/invoices/{draft}"), None)
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn products_and_contacts_take_only_valid_values() {
    let api = Api::start().await;
    create(&api, "products", json!({"properties": {"name": "Design", "hs_sku": "DES-1", "price": "120", "hs_product_type": "service"}})).await;
    let bad_type = api
        .call(
            "POST",
            "/crm/v3/objects/products",
            Some(json!({"properties": {"name": "X", "hs_product_type": "Service"}})),
        )
        .await;
    assert_eq!(
        bad_type.1["errors"][0]["code"], "INVALID_OPTION",
        "{}",
        bad_type.1
    );
    let bad_email = api
        .call(
            "POST",
            "/crm/v3/objects/contacts",
            Some(json!({"properties": {"email": "not-an-email"}})),
        )
        .await;
    assert_error(&bad_email, 400, "VALIDATION_ERROR");
    assert_eq!(bad_email.1["errors"][0]["code"], "INVALID_EMAIL");
    assert_eq!(
        bad_email.1["errors"][0]["message"],
        "Email address not-an-email is invalid"
    );
    let unknown = api
        .call(
            "POST",
            "/crm/v3/objects/products",
            Some(json!({"properties": {"name": "X", "qbo_item_id": "1"}})),
        )
        .await;
    assert_eq!(unknown.1["errors"][0]["code"], "PROPERTY_DOESNT_EXIST");
    // A customer without an e-mail still makes a contact.
    create(
        &api,
        "contacts",
        json!({"properties": {"firstname": "No", "lastname": "Mail"}}),
    )
    .await;
}

#[tokio::test]
async fn a_contact_email_belongs_to_one_contact_whatever_its_case() {
    let api = Api::start().await;
    let taken = api
        .call(
            "POST",
            "/crm/v3/objects/contacts",
            Some(json!({"properties": {"email": "Billing@Acme.example"}})),
        )
        .await;
    assert_error(&taken, 409, "CONFLICT");
    assert_eq!(
        taken.1["message"],
        "Contact already exists. Existing ID: 201"
    );
    let moved = api
        .call(
            "PATCH",
            "/crm/v3/objects/contacts/202",
            Some(json!({"properties": {"email": "billing@acme.example"}})),
        )
        .await;
    assert_error(&moved, 409, "CONFLICT");
    let (status, found) = api
        .call(
            "GET",
            "/crm/v3/objects/contacts/BILLING@acme.example?idProperty=email",
            None,
        )
        .await;
    assert_eq!((status, found["id"].as_str()), (200, Some("201")));
}

#[tokio::test]
async fn a_unique_value_is_held_by_one_live_record() {
    let api = Api::start().await;
    api.unique_key("products", "qbo_item_key").await;
    let first = create(
        &api,
        "products",
        json!({"properties": {"name": "A", "qbo_item_key": "9130:1"}}),
    )
    .await;
    let second = api
        .call(
            "POST",
            "/crm/v3/objects/products",
            Some(json!({"properties": {"name": "B", "qbo_item_key": "9130:1"}})),
        )
        .await;
    assert_error(&second, 409, "CONFLICT");
    assert_eq!(
        second.1["message"],
        format!("A product with qbo_item_key 9130:1 already exists. Existing ID: {first}")
    );
    assert_eq!(second.1["errors"][0]["in"], "qbo_item_key");
    let other = create(
        &api,
        "products",
        json!({"properties": {"name": "C", "qbo_item_key": "9130:2"}}),
    )
    .await;
    let taken = api
        .call(
            "PATCH",
            &format!("/crm/v3/objects/products/{other}"),
            Some(json!({"properties": {"qbo_item_key": "9130:1"}})),
        )
        .await;
    assert_error(&taken, 409, "CONFLICT");
    let (status, _) = api
        .call("DELETE", &format!("/crm/v3/objects/products/{first}"), None)
        .await;
    assert_eq!(status, 204);
    create(
        &api,
        "products",
        json!({"properties": {"name": "A again", "qbo_item_key": "9130:1"}}),
    )
    .await;
}

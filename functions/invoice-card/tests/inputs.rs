//! What the card makes of a deal's line items and the user's input (issue 10, items 3, 7 and 10). Discounted
//! line items are proposed at their net value and created so, adding up to the deal's amount. Numbers out of
//! range, document numbers without a successor, due dates before the invoice date and control characters
//! are each a clear 400 from the real handler, never a panic (a panic aborts the release Lambda), and leave
//! QuickBooks as it was; the QuickBooks simulator survives the same numbers.

use invoice_card::handle;
use serde_json::{json, Value};
use test_support::world::{World, CA, US};
use test_support::{card_request, json_of};

async fn call(w: &World, method: &str, path: &str, body: Value) -> (u16, Value) {
    // Boxed: the handler's future is large in a debug build, and a test thread's stack is 2 MiB.
    json_of(
        Box::pin(handle(&w.app, card_request(method, path, &body)))
            .await
            .unwrap(),
    )
}

fn create(key: &str, realm: &str, lines: Value) -> Value {
    json!({
        "idempotencyKey": key, "realmId": realm, "objectType": "deals", "objectId": "401",
        "type": "invoice", "customer": { "id": if realm == CA { "21" } else { "58" } }, "lines": lines,
    })
}

fn counts(w: &World, realm: &str) -> (usize, usize) {
    (
        w.qbo_entities(realm, "Invoice").len(),
        w.qbo_entities(realm, "Customer").len(),
    )
}

async fn refused(w: &World, body: Value, code: &str, says: &str) {
    let before = counts(w, US);
    let (status, err) = call(w, "POST", "/card/documents", body).await;
    assert_eq!(status, 400, "{err}");
    assert_eq!(err["error"]["code"], code, "{err}");
    let message = err["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{message}");
    assert_eq!(counts(w, US), before, "nothing written");
}

#[tokio::test]
async fn quantities_and_prices_out_of_range_are_a_400_not_a_crash() {
    let w = World::new().await;
    for (key, quantity, price) in [
        ("max", json!("79228162514264337593543950335"), json!("2")),
        (
            "max-price",
            json!("1"),
            json!("79228162514264337593543950335"),
        ),
        ("sci", json!(1e20), json!(1e20)),
        ("sci-text", json!("1e20"), json!("1e20")),
        ("product", json!("10000000"), json!("10000000")),
    ] {
        let line = json!([{ "itemId": "1", "quantity": quantity, "unitPrice": price }]);
        refused(
            &w,
            create(key, US, line),
            "amount_out_of_range",
            "out of range",
        )
        .await;
    }
    // Each line fits, their total does not.
    let line = json!({ "itemId": "1", "quantity": "1", "unitPrice": "6000000000000" });
    refused(
        &w,
        create("total", US, json!([line, line])),
        "amount_out_of_range",
        "total",
    )
    .await;
    // A new customer is not created for a refused document.
    let mut body = create(
        "new-customer",
        US,
        json!([{ "itemId": "1", "quantity": "79228162514264337593543950335", "unitPrice": "2" }]),
    );
    body["customer"] = json!({ "new": { "displayName": "Never Created Ltd" } });
    refused(&w, body, "amount_out_of_range", "out of range").await;
    // The card still works afterwards.
    let ok = create(
        "fine",
        US,
        json!([{ "itemId": "1", "quantity": "2", "unitPrice": "150" }]),
    );
    let (status, created) = call(&w, "POST", "/card/documents", ok).await;
    assert_eq!(status, 201, "{created}");
}

#[tokio::test]
async fn document_numbers_without_a_successor_are_refused_and_never_crash_the_next_draft() {
    let w = World::new().await;
    let line = json!([{ "itemId": "31", "quantity": "1", "unitPrice": "160", "taxCodeId": "5" }]);
    let mut body = create("u64-max", CA, line.clone());
    body["docNumber"] = json!("18446744073709551615");
    let (status, err) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("18 digits"),
        "{err}"
    );
    let mut body = create("nul", CA, line.clone());
    body["docNumber"] = json!("MC-\u{0}9");
    let (status, err) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("invalid_text")),
        "{err}"
    );
    // Another app wrote such numbers in QuickBooks: drafts skip them and propose the next usable number.
    for (realm, customer, item, tax) in [(CA, "21", "31", Some("5")), (US, "58", "1", None)] {
        let mut detail = json!({ "ItemRef": { "value": item }, "Qty": 1, "UnitPrice": 10 });
        if let Some(code) = tax {
            detail["TaxCodeRef"] = json!({ "value": code });
        }
        w.qbo_post(
            realm,
            "invoice",
            json!({
                "CustomerRef": { "value": customer }, "DocNumber": "18446744073709551615",
                "Line": [{ "DetailType": "SalesItemLineDetail", "Amount": 10, "SalesItemLineDetail": detail }],
            }),
        )
        .await;
    }
    let (status, draft) = call(
        &w,
        "GET",
        &format!("/card/draft?realmId={CA}&objectType=deals&objectId=401"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{draft}");
    assert_eq!(draft["nextDocNumber"], "MC-0008");
    let (status, created) = call(&w, "POST", "/card/documents", create("ca-next", CA, line)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["document"]["number"], "MC-0008");
    // QuickBooks numbers a US invoice itself; the simulator skips the number it cannot follow.
    let us = json!([{ "itemId": "1", "quantity": "1", "unitPrice": "150" }]);
    let (status, created) = call(&w, "POST", "/card/documents", create("us-next", US, us)).await;
    assert_eq!(status, 201, "{created}");
    assert_ne!(created["document"]["number"], "18446744073709551616");
}

#[tokio::test]
async fn a_due_date_before_the_invoice_date_is_refused() {
    let w = World::new().await;
    let line = json!([{ "itemId": "1", "quantity": "1", "unitPrice": "150" }]);
    let mut body = create("due-before", US, line.clone());
    body["txnDate"] = json!("2026-11-22");
    body["dueDate"] = json!("2026-11-21");
    refused(
        &w,
        body,
        "bad_request",
        "due date is before the invoice date",
    )
    .await;
    // Without an invoice date the invoice is dated today in the company's time zone.
    let mut body = create("due-before-today", US, line.clone());
    body["dueDate"] = json!("2026-11-01");
    refused(
        &w,
        body,
        "bad_request",
        "due date is before the invoice date",
    )
    .await;
    let mut body = create("due-later", US, line);
    body["dueDate"] = json!("2027-06-30");
    let (status, created) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["document"]["dueDate"], "2027-06-30");
}

#[tokio::test]
async fn control_characters_in_text_are_refused() {
    let w = World::new().await;
    let line = |description: &str| json!([{ "itemId": "1", "quantity": "1", "unitPrice": "150", "description": description }]);
    let mut body = create("memo", US, line("Consulting"));
    body["message"] = json!("Thank you\u{0}");
    refused(&w, body, "invalid_text", "message to the customer").await;
    refused(
        &w,
        create("description", US, line("Consulting\u{1b}[2J")),
        "invalid_text",
        "line 1's description",
    )
    .await;
    let mut body = create("name", US, line("Consulting"));
    body["customer"] =
        json!({ "new": { "displayName": "Nul\u{0}Ltd", "email": "nul@example.com" } });
    refused(&w, body, "invalid_text", "display name").await;
    // Line breaks are ordinary text in a description.
    let (status, created) = call(
        &w,
        "POST",
        "/card/documents",
        create("two-lines", US, line("Consulting\nOn site")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
}

#[tokio::test]
async fn malformed_ids_are_a_400_that_names_the_id() {
    let w = World::new().await;
    let line = json!([{ "itemId": "1", "quantity": "1", "unitPrice": "150" }]);
    refused(
        &w,
        create("key with spaces", US, line.clone()),
        "bad_request",
        "an idempotency key must be",
    )
    .await;
    refused(
        &w,
        create("bad-realm", "91x0", line.clone()),
        "bad_request",
        "a QuickBooks company id (realmId) must be",
    )
    .await;
    let mut body = create("bad-deal", US, line);
    body["objectId"] = json!("٤٠١");
    refused(&w, body, "bad_request", "a HubSpot record id must be").await;
    let link = json!({ "realmId": US, "objectType": "deals", "objectId": "401",
        "documents": [{ "type": "invoice", "id": "1e3" }] });
    for (method, path, body) in [
        (
            "POST",
            "/card/documents/send",
            json!({ "realmId": US, "id": "12a" }),
        ),
        ("POST", "/card/links", link),
        (
            "GET",
            &format!("/card/preview?realmId={US}&type=invoice&id=%EF%BC%91") as &str,
            Value::Null,
        ),
    ] {
        let (status, err) = call(&w, method, path, body).await;
        assert_eq!(status, 400, "{path}: {err}");
        let message = err["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("a QuickBooks id must be"),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn discounted_line_items_are_proposed_and_created_at_their_net_value() {
    let w = World::new().await;
    let deal = w
        .hubspot_create(
            "deals",
            json!({
                "properties": { "dealname": "Discounts" },
                "associations": [{ "to": { "id": "201" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3 }] }],
            }),
        )
        .await;
    for properties in [
        json!({ "name": "Consulting hours", "hs_sku": "SVC-CONSULT", "quantity": "10", "price": "234.56", "hs_discount_percentage": "20" }),
        json!({ "name": "Widget", "hs_sku": "HW-WIDGET", "quantity": "3", "price": "100", "discount": "10" }),
    ] {
        w.hubspot_create(
            "line_items",
            json!({
                "properties": properties,
                "associations": [{ "to": { "id": deal }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20 }] }],
            }),
        )
        .await;
    }
    let (status, draft) = call(
        &w,
        "GET",
        &format!("/card/draft?realmId={US}&objectType=deals&objectId={deal}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{draft}");
    let mut proposed = draft["lines"].as_array().unwrap().clone();
    proposed.sort_by_key(|l| l["description"].as_str().unwrap().to_string());
    let shown: Vec<_> = proposed
        .iter()
        .map(|l| {
            (
                l["description"].as_str().unwrap(),
                l["quantity"].as_str().unwrap(),
                l["unitPrice"].as_str().unwrap(),
                l["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                "Consulting hours (list price 234.56, 20% discount)",
                "10",
                "187.648",
                "1876.48"
            ),
            (
                "Widget (list price 100, discount 10 per unit)",
                "3",
                "90",
                "270"
            ),
        ]
    );
    let lines: Vec<Value> = proposed
        .iter()
        .map(|l| {
            json!({
                "itemId": l["suggestedItem"]["id"], "description": l["description"],
                "quantity": l["quantity"], "unitPrice": l["unitPrice"],
            })
        })
        .collect();
    let mut body = create("discounts", US, json!(lines));
    body["objectId"] = json!(deal);
    let (status, created) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 201, "{created}");
    let invoice = w.qbo_entities(US, "Invoice").last().unwrap().clone();
    let subtotal = invoice["Line"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["DetailType"] == "SubTotalLineDetail")
        .unwrap()
        .clone();
    assert_eq!(
        subtotal["Amount"],
        json!(2146.48),
        "the deal's amount: {invoice}"
    );
}

//! The invoice card end to end (I1–I13, B1–B3, B6, B9): the real handler, moto, and the QuickBooks and
//! HubSpot simulators over loopback.

use invoice_card::handle;
use serde_json::{json, Value};
use test_support::world::{World, CA, PORTAL, UK, US};
use test_support::{card_request, json_of, unsigned_request};

async fn call(w: &World, method: &str, path: &str, body: Value) -> (u16, Value) {
    // Boxed: the handler's future is large in a debug build, and a test thread's stack is 2 MiB.
    json_of(
        Box::pin(handle(&w.app, card_request(method, path, &body)))
            .await
            .unwrap(),
    )
}

async fn get(w: &World, path: &str) -> Value {
    let (status, body) = call(w, "GET", path, Value::Null).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Links US invoices to a HubSpot record, as "Add existing" does; the card's answer.
async fn link_invoices(w: &World, object_type: &str, object_id: &str, ids: &[&str]) -> Value {
    let documents: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "type": "invoice", "id": id }))
        .collect();
    let body = json!({
        "realmId": US, "objectType": object_type, "objectId": object_id, "documents": documents,
    });
    let (status, linked) = call(w, "POST", "/card/links", body).await;
    assert_eq!(status, 200, "{linked}");
    linked
}

fn line(item: &str, qty: &str, price: &str, tax: Option<&str>) -> Value {
    let mut l = json!({ "itemId": item, "quantity": qty, "unitPrice": price });
    if let Some(t) = tax {
        l["taxCodeId"] = json!(t);
    }
    l
}

fn create_body(key: &str, realm: &str, deal: &str, customer: Value, lines: Vec<Value>) -> Value {
    json!({
        "idempotencyKey": key, "realmId": realm, "objectType": "deals", "objectId": deal,
        "type": "invoice", "customer": customer, "lines": lines,
    })
}

fn count(w: &World, realm: &str, entity: &str) -> usize {
    w.qbo_entities(realm, entity).len()
}

#[tokio::test]
async fn create_from_scratch_us_once_then_listed_with_deal_properties() {
    let w = World::new().await;
    let draft = get(
        &w,
        &format!("/card/draft?realmId={US}&objectType=deals&objectId=401&source=deal"),
    )
    .await;
    assert_eq!(draft["customer"]["match"]["id"], "58", "{draft}");
    assert_eq!(draft["customer"]["matchedBy"], "email");
    assert_eq!(draft["company"]["lineTaxCodesRequired"], false);
    assert_eq!(draft["taxCodes"], json!([]));
    let lines: Vec<Value> = draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            line(
                l["suggestedItem"]["id"].as_str().unwrap(),
                l["quantity"].as_str().unwrap(),
                l["unitPrice"].as_str().unwrap(),
                None,
            )
        })
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(draft["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["id"] == "601" && q["usable"] == true));
    let before = count(&w, US, "Invoice");
    let mut body = create_body("run-1", US, "401", json!({ "id": "58" }), lines);
    body["message"] = json!("Thank you for your business");
    body["termId"] = json!("4");
    let (status, first) = call(&w, "POST", "/card/documents", body.clone()).await;
    assert_eq!(status, 201, "{first}");
    let doc = &first["document"];
    assert_eq!(doc["status"], "awaiting_send");
    assert_eq!(doc["customerName"], "Acme Ltd");
    assert_eq!(doc["currencyMismatch"], false);
    // The retried click answers the same document and creates nothing more.
    let (status, again) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["document"]["id"], doc["id"]);
    assert_eq!(count(&w, US, "Invoice"), before + 1);
    let stored = w.qbo_entities(US, "Invoice").last().unwrap().clone();
    assert_eq!(stored["EmailStatus"], "NotSet", "created unsent");
    assert_eq!(stored["SalesTermRef"]["value"], "4");
    assert_eq!(
        stored["CustomerMemo"]["value"],
        "Thank you for your business"
    );
    let props = w
        .hubspot_record(
            "deals",
            "401",
            &[
                "qbo_invoice_number",
                "qbo_invoice_status",
                "qbo_invoice_amount",
            ],
        )
        .await;
    assert_eq!(props["qbo_invoice_number"], doc["number"]);
    assert_eq!(props["qbo_invoice_status"], "Awaiting send");
    let listed = get(&w, "/card/records/deals/401").await;
    assert_eq!(listed["documents"][0]["id"], doc["id"]);
    assert_eq!(listed["companies"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn create_from_a_published_quote_only() {
    let w = World::new().await;
    let draft = get(
        &w,
        &format!("/card/draft?realmId={US}&objectType=deals&objectId=401&source=quote&quoteId=601"),
    )
    .await;
    let lines = draft["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    let body = create_body(
        "quote-1",
        US,
        "401",
        json!({ "id": draft["customer"]["match"]["id"] }),
        lines
            .iter()
            .map(|l| {
                line(
                    l["suggestedItem"]["id"].as_str().unwrap(),
                    l["quantity"].as_str().unwrap(),
                    l["unitPrice"].as_str().unwrap(),
                    None,
                )
            })
            .collect(),
    );
    let (status, created) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 201, "{created}");
    for (quote, why) in [("602", "not published"), ("603", "expired")] {
        let (status, err) = call(&w, "GET", &format!("/card/draft?realmId={US}&objectType=deals&objectId=401&source=quote&quoteId={quote}"), Value::Null).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(err["error"]["code"], "quote_not_usable");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(why),
            "{err}"
        );
    }
}

#[tokio::test]
async fn uk_needs_a_tax_code_on_every_line_and_its_pounds_do_not_touch_the_deal() {
    let w = World::new().await;
    let draft = get(
        &w,
        &format!("/card/draft?realmId={UK}&objectType=deals&objectId=401"),
    )
    .await;
    assert_eq!(draft["company"]["lineTaxCodesRequired"], true);
    let codes: Vec<&str> = draft["taxCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"2"), "{codes:?}");
    let customers_before = count(&w, UK, "Customer");
    let new = json!({ "new": { "displayName": "Ada Lovelace Ltd", "email": "ada@example.co.uk" } });
    let (status, err) = call(
        &w,
        "POST",
        "/card/documents",
        create_body(
            "uk-1",
            UK,
            "401",
            new.clone(),
            vec![line("11", "2", "120", None)],
        ),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "tax_code_required");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("tax code"));
    assert_eq!(
        count(&w, UK, "Customer"),
        customers_before,
        "a refused draft leaves no customer behind"
    );
    assert_eq!(count(&w, UK, "Invoice"), 0);
    let (status, ok) = call(
        &w,
        "POST",
        "/card/documents",
        create_body(
            "uk-1",
            UK,
            "401",
            new,
            vec![line("11", "2", "120", Some("2"))],
        ),
    )
    .await;
    assert_eq!(status, 201, "{ok}");
    let doc = &ok["document"];
    assert_eq!(doc["currency"], "GBP");
    assert_eq!(doc["total"], "288.00", "20% VAT on 240");
    assert_eq!(doc["currencyMismatch"], true);
    assert!(doc["currencyNote"]
        .as_str()
        .unwrap()
        .contains("does not update the deal"));
    let props = w.hubspot_record("deals", "401", &["qbo_invoice_id"]).await;
    assert!(
        props["qbo_invoice_id"].is_null(),
        "a GBP invoice never writes a USD account's deal: {props}"
    );
}

#[tokio::test]
async fn a_new_customer_with_a_taken_name_gets_a_distinct_one() {
    let w = World::new().await;
    let new = json!({ "new": { "displayName": "Acme Ltd", "givenName": "Ada", "familyName": "Lovelace" } });
    let (status, created) = call(
        &w,
        "POST",
        "/card/documents",
        create_body("dup-1", US, "401", new, vec![line("1", "1", "150", None)]),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["document"]["customerName"], "Acme Ltd (2)");
    let names: Vec<String> = w
        .qbo_entities(US, "Customer")
        .iter()
        .map(|c| c["DisplayName"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"Acme Ltd".to_string()) && names.contains(&"Acme Ltd (2)".to_string()));
}

#[tokio::test]
async fn custom_transaction_numbers_are_proposed_changeable_and_checked() {
    let w = World::new().await;
    let draft = get(
        &w,
        &format!("/card/draft?realmId={CA}&objectType=deals&objectId=401"),
    )
    .await;
    assert_eq!(draft["company"]["customTxnNumbers"], true);
    assert_eq!(draft["nextDocNumber"], "MC-0008");
    let customer = json!({ "id": "21" });
    let (status, proposed) = call(
        &w,
        "POST",
        "/card/documents",
        create_body(
            "ca-1",
            CA,
            "401",
            customer.clone(),
            vec![line("31", "1", "160", Some("5"))],
        ),
    )
    .await;
    assert_eq!(status, 201, "{proposed}");
    assert_eq!(proposed["document"]["number"], "MC-0008");
    let mut chosen = create_body(
        "ca-2",
        CA,
        "401",
        customer.clone(),
        vec![line("31", "1", "160", Some("5"))],
    );
    chosen["docNumber"] = json!("WEB-1");
    let (status, own) = call(&w, "POST", "/card/documents", chosen).await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(own["document"]["number"], "WEB-1");
    let mut taken = create_body(
        "ca-3",
        CA,
        "401",
        customer,
        vec![line("31", "1", "160", Some("5"))],
    );
    taken["docNumber"] = json!("MC-0007");
    let (status, err) = call(&w, "POST", "/card/documents", taken).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error"]["code"], "duplicate_doc_number");
}

#[tokio::test]
async fn estimates_and_sales_receipts() {
    let w = World::new().await;
    for (kind, status) in [("estimate", "pending"), ("sales_receipt", "paid")] {
        let mut body = create_body(
            &format!("k-{kind}"),
            US,
            "403",
            json!({ "id": "60" }),
            vec![line("3", "1", "275", None)],
        );
        body["type"] = json!(kind);
        let (code, created) = call(&w, "POST", "/card/documents", body).await;
        assert_eq!(code, 201, "{created}");
        assert_eq!(created["document"]["type"], kind);
        assert_eq!(created["document"]["status"], status);
    }
    assert_eq!(count(&w, US, "Estimate"), 2);
    assert_eq!(count(&w, US, "SalesReceipt"), 2);
}

#[tokio::test]
async fn add_existing_preview_send_and_statuses_over_time() {
    let w = World::new().await;
    let found = get(
        &w,
        &format!("/card/invoices/search?realmId={US}&customer=Acme"),
    )
    .await;
    let numbers: Vec<&str> = found["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert!(
        numbers.contains(&"1001") && numbers.contains(&"1004") && !numbers.contains(&"1003"),
        "{numbers:?}"
    );
    let by_number = get(
        &w,
        &format!("/card/invoices/search?realmId={US}&number=1001"),
    )
    .await;
    assert_eq!(by_number["invoices"][0]["id"], "130");
    let linked = link_invoices(&w, "contacts", "201", &["130", "132"]).await;
    let statuses: Vec<(&str, &str)> = linked["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["status"].as_str().unwrap()))
        .collect();
    assert!(
        statuses.contains(&("130", "awaiting_send"))
            && statuses.contains(&("132", "partially_paid")),
        "{statuses:?}"
    );

    // Preview: a short-lived link the browser opens without HubSpot's signature.
    let preview = get(
        &w,
        &format!("/card/preview?realmId={US}&type=invoice&id=130"),
    )
    .await;
    let url = preview["url"].as_str().unwrap();
    let path = url.strip_prefix(test_support::PUBLIC_BASE_URL).unwrap();
    let res = handle(&w.app, unsigned_request("GET", path, ""))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf: &[u8] = res.body().as_ref();
    assert!(pdf.starts_with(b"%PDF-1.4") && String::from_utf8_lossy(pdf).contains("1001"));
    let forged = format!("{}x", path);
    let res = handle(&w.app, unsigned_request("GET", &forged, ""))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Send (B9).
    let (status, sent) = call(
        &w,
        "POST",
        "/card/documents/send",
        json!({ "realmId": US, "id": "130", "objectType": "contacts", "objectId": "201" }),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["document"]["status"], "sent");
    let listed = get(&w, "/card/records/contacts/201").await;
    let saved = listed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "130")
        .unwrap()
        .clone();
    assert_eq!(
        saved["status"], "sent",
        "the saved snapshot follows the send: {saved}"
    );
    assert_eq!(
        w.qbo_entities(US, "Invoice")
            .iter()
            .find(|i| i["Id"] == "130")
            .unwrap()["EmailStatus"],
        "EmailSent"
    );

    // A payment in QuickBooks, then the due date passing on QuickBooks' clock.
    w.qbo_post(
        US,
        "payment",
        json!({
            "CustomerRef": { "value": "58" }, "TotalAmt": 100,
            "Line": [{ "Amount": 100, "LinkedTxn": [{ "TxnId": "130", "TxnType": "Invoice" }] }],
        }),
    )
    .await;
    let after_payment = get(&w, "/card/records/contacts/201?refresh=1").await;
    let invoice = after_payment["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "130")
        .unwrap()
        .clone();
    assert_eq!(
        (invoice["status"].as_str(), invoice["balance"].as_str()),
        (Some("partially_paid"), Some("650.00")),
        "{invoice}"
    );
    w.control(
        &w.qbo.base_url(),
        "/_sim/clock",
        json!({ "advance_seconds": 40 * 86400 }),
    )
    .await;
    w.reissue_tokens().await;
    let later = get(&w, "/card/records/contacts/201?refresh=1").await;
    let invoice = later["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "130")
        .unwrap()
        .clone();
    assert_eq!(invoice["status"], "overdue", "{invoice}");
}

/// A burst of throttles is waited out inside the card's time budget (issue 10, item 6); a throttle that
/// outlasts the budget is a clear message, and neither ever makes a duplicate.
#[tokio::test]
async fn throttling_during_create_is_waited_out_or_a_clear_message_and_never_a_duplicate() {
    let w = World::new().await;
    let throttle = r#"<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message></Error></Fault></IntuitResponse>"#;
    let throttle_invoices = |count: u32| {
        json!({
            "path_contains": "/invoice", "method": "POST", "count": count,
            "kind": { "type": "status", "status": 429, "body": throttle, "content_type": "application/xml" },
        })
    };
    let before = count(&w, US, "Invoice");
    let body = |key: &str| {
        create_body(
            key,
            US,
            "401",
            json!({ "id": "58" }),
            vec![line("1", "2", "150", None)],
        )
    };
    w.control(&w.qbo.base_url(), "/_sim/faults", throttle_invoices(3))
        .await;
    let (status, made) = call(&w, "POST", "/card/documents", body("busy-1")).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(count(&w, US, "Invoice"), before + 1);

    w.control(&w.qbo.base_url(), "/_sim/faults", throttle_invoices(1_000))
        .await;
    let (status, err) = call(&w, "POST", "/card/documents", body("busy-2")).await;
    assert_eq!(status, 429, "{err}");
    assert_eq!(err["error"]["code"], "throttled");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("try again in a minute"));
    assert_eq!(count(&w, US, "Invoice"), before + 1);
    reqwest::Client::new()
        .delete(format!("{}/_sim/faults", w.qbo.base_url()))
        .send()
        .await
        .unwrap();
    let (status, ok) = call(&w, "POST", "/card/documents", body("busy-2")).await;
    assert_eq!(status, 201, "{ok}");
    let (status, _) = call(&w, "POST", "/card/documents", body("busy-2")).await;
    assert_eq!(status, 200);
    assert_eq!(count(&w, US, "Invoice"), before + 2);
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let w = World::new().await;
    for (method, path, body, code) in [
        ("GET", "/card/records/tickets/1", Value::Null, 400),
        ("GET", "/card/records/deals/abc", Value::Null, 400),
        (
            "GET",
            "/card/draft?objectType=deals&objectId=401",
            Value::Null,
            400,
        ),
        (
            "GET",
            "/card/draft?realmId=123&objectType=deals&objectId=401",
            Value::Null,
            404,
        ),
        ("POST", "/card/documents", json!({ "nonsense": true }), 400),
        (
            "GET",
            "/card/invoices/search?realmId=1&from=yesterday",
            Value::Null,
            400,
        ),
        ("DELETE", "/card/documents", Value::Null, 405),
    ] {
        let (status, err) = call(&w, method, path, body).await;
        assert_eq!(status, code, "{method} {path}: {err}");
        assert!(err["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let res = handle(
        &w.app,
        unsigned_request(
            "GET",
            &format!("/card/records/deals/401?portalId={PORTAL}"),
            "",
        ),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 401);
}

/// The notes on a deal, as HubSpot holds them.
async fn deal_notes(w: &World, deal: &str) -> Vec<String> {
    let client = reqwest::Client::new();
    let token = w.hubspot.issue_access_token();
    let base = w.hubspot.base_url();
    let linked: Value = client
        .get(format!(
            "{base}/crm/v4/objects/deals/{deal}/associations/notes"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for row in linked["results"].as_array().cloned().unwrap_or_default() {
        let id = match &row["toObjectId"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let props = w.hubspot_record("notes", &id, &["hs_note_body"]).await;
        bodies.push(
            props["hs_note_body"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    bodies
}

#[tokio::test]
async fn each_payment_becomes_one_note_on_the_deal() {
    let w = World::new().await;
    link_invoices(&w, "deals", "402", &["132"]).await;
    let notes = deal_notes(&w, "402").await;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("USD 325.00") && notes[0].contains("invoice 1003"),
        "{notes:?}"
    );
    // Renders do not repeat it.
    get(&w, "/card/records/deals/402").await;
    get(&w, "/card/records/deals/402?refresh=1").await;
    assert_eq!(deal_notes(&w, "402").await.len(), 1);
    // The rest is paid in QuickBooks: one more note, and the deal shows the invoice paid.
    w.qbo_post(
        US,
        "payment",
        json!({
            "CustomerRef": { "value": "60" }, "TotalAmt": 275,
            "Line": [{ "Amount": 275, "LinkedTxn": [{ "TxnId": "132", "TxnType": "Invoice" }] }],
        }),
    )
    .await;
    let after = get(&w, "/card/records/deals/402?refresh=1").await;
    assert_eq!(after["documents"][0]["status"], "paid_in_full", "{after}");
    let notes = deal_notes(&w, "402").await;
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("USD 275.00")), "{notes:?}");
    let props = w
        .hubspot_record("deals", "402", &["qbo_invoice_status"])
        .await;
    assert_eq!(props["qbo_invoice_status"], "Paid in full");
}

#[tokio::test]
async fn an_unknown_item_and_a_customer_without_email_get_their_own_messages() {
    let w = World::new().await;
    let (status, err) = call(
        &w,
        "POST",
        "/card/documents",
        create_body(
            "item-1",
            US,
            "401",
            json!({ "id": "58" }),
            vec![line("999", "1", "10", None)],
        ),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "item_not_found", "{err}");
    let new = json!({ "new": { "displayName": "No Mail Ltd" } });
    let (status, created) = call(
        &w,
        "POST",
        "/card/documents",
        create_body("mail-1", US, "401", new, vec![line("1", "1", "150", None)]),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["document"]["id"].as_str().unwrap().to_string();
    let (status, err) = call(
        &w,
        "POST",
        "/card/documents/send",
        json!({ "realmId": US, "id": id }),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "customer_missing_email");
    let (status, sent) = call(
        &w,
        "POST",
        "/card/documents/send",
        json!({ "realmId": US, "id": id, "sendTo": "ap@nomail.example" }),
    )
    .await;
    assert_eq!(
        (status, sent["document"]["status"].as_str()),
        (200, Some("sent")),
        "{sent}"
    );
}

/// Reps opening deals at once (issue 10, item 6): the company's items, tax codes and terms are read from
/// QuickBooks once, by one request of a cold burst, and reused for a minute; HubSpot's rolling limit is
/// waited out rather than failing.
#[tokio::test]
async fn a_burst_of_drafts_reads_the_catalogue_once_and_waits_out_hubspot_limits() {
    let w = World::new().await;
    let item_queries = || {
        w.qbo
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/query") && r.query.contains("Item"))
            .count()
    };
    let draft = format!("/card/draft?realmId={US}&objectType=deals&objectId=401");
    // A window several drafts overflow: each draft makes about eight HubSpot calls.
    w.control(
        &w.hubspot.base_url(),
        "/_sim/limits",
        json!({ "enabled": true, "burst": 12, "window_ms": 2000, "search_per_second": 5 }),
    )
    .await;
    let drafts = (0..5).map(|_| call(&w, "GET", &draft, Value::Null));
    for (status, body) in futures::future::join_all(drafts).await {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["lines"].as_array().unwrap().len(), 2, "{body}");
    }
    assert_eq!(
        item_queries(),
        1,
        "one request of a cold burst reads the catalogue, the others wait for its copy"
    );
}

/// The card asks again with the same key after a send whose answer it lost (a timeout): QuickBooks gets the
/// same request id and answers from the first send, so the customer gets one e-mail. Without a key, every
/// send is its own.
#[tokio::test]
async fn a_repeated_send_under_one_key_is_one_send() {
    let w = World::new().await;
    let send = |key: Option<&str>| {
        let mut body = json!({ "realmId": US, "id": "130" });
        if let Some(key) = key {
            body["idempotencyKey"] = json!(key);
        }
        body
    };
    for body in [
        send(Some("send-1")),
        send(Some("send-1")),
        send(None),
        send(None),
    ] {
        let (status, sent) = call(&w, "POST", "/card/documents/send", body).await;
        assert_eq!(status, 200, "{sent}");
    }
    let ids: Vec<String> = w
        .qbo
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/invoice/130/send"))
        .map(|r| {
            r.query
                .split('&')
                .find_map(|p| p.strip_prefix("requestid="))
                .expect("a requestid")
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], ids[1], "the retry is the same send");
    assert_ne!(ids[2], ids[3], "sends without a key stay separate");
    assert_ne!(ids[0], ids[2]);
    let (status, err) = call(&w, "POST", "/card/documents/send", send(Some("not a key!"))).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("bad_request")),
        "{err}"
    );
}

/// The card's draft shows a deal's lines as HubSpot does (`hs_position_on_quote`, then id; unplaced last) and
/// proposes the deal's primary company, whatever order HubSpot lists the associations in.
#[tokio::test]
async fn the_draft_follows_line_positions_and_the_primary_company() {
    let w = World::new().await;
    let typed = |to: &str, types: &[u32]| {
        let types: Vec<Value> = types
            .iter()
            .map(|t| json!({ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": t }))
            .collect();
        json!({ "to": { "id": to }, "types": types })
    };
    let contact = w
        .hubspot_create("contacts", json!({ "properties": { "firstname": "Pia", "lastname": "Placed", "email": "pia@placed.example" } }))
        .await;
    let primary = w
        .hubspot_create(
            "companies",
            json!({ "properties": { "name": "Primary Placed Ltd" } }),
        )
        .await;
    let other = w
        .hubspot_create(
            "companies",
            json!({ "properties": { "name": "Other Placed Ltd" } }),
        )
        .await;
    let deal = w
        .hubspot_create("deals", json!({
            "properties": { "dealname": "Placed" },
            "associations": [typed(&contact, &[3]), typed(&primary, &[341, 5]), typed(&other, &[341])],
        }))
        .await;
    for (description, position) in [
        ("third", Some("2")),
        ("last", None),
        ("first", Some("0")),
        ("second", Some("1")),
    ] {
        let mut properties = json!({ "name": "Consulting hours", "hs_sku": "SVC-CONSULT",
            "quantity": "1", "price": "10", "description": description });
        if let Some(p) = position {
            properties["hs_position_on_quote"] = json!(p);
        }
        w.hubspot_create(
            "line_items",
            json!({ "properties": properties, "associations": [typed(&deal, &[20])] }),
        )
        .await;
    }
    let draft = get(
        &w,
        &format!("/card/draft?realmId={US}&objectType=deals&objectId={deal}&source=deal"),
    )
    .await;
    let descriptions: Vec<&str> = draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        descriptions,
        ["first", "second", "third", "last"],
        "{draft}"
    );
    assert_eq!(
        draft["customer"]["proposed"]["companyName"], "Primary Placed Ltd",
        "{draft}"
    );
}

fn item_ids(invoice: &Value) -> Vec<String> {
    invoice["Line"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["SalesItemLineDetail"]["ItemRef"]["value"].as_str())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_unmatched_line_creates_its_quickbooks_item_once_when_the_settings_allow_it() {
    use shared::settings::{Settings, UnmatchedItem};
    let w = World::new().await;
    let draft_path = format!("/card/draft?realmId={US}&objectType=deals&objectId=402");
    let draft = get(&w, &draft_path).await;
    assert_eq!(draft["createItems"], false, "off by default");
    let mystery = draft["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Mystery box")
        .expect("the unmatched line")
        .clone();
    assert!(mystery["suggestedItem"].is_null());
    let new_line = json!({
        "newItem": { "name": mystery["name"], "sku": mystery["sku"] },
        "quantity": mystery["quantity"], "unitPrice": mystery["unitPrice"],
    });
    let mystery_items = |w: &World| {
        w.qbo_entities(US, "Item")
            .into_iter()
            .filter(|i| i["Name"] == "Mystery box")
            .collect::<Vec<_>>()
    };
    // Off: the old behaviour, a product must be chosen; nothing is created.
    let body = create_body(
        "new-item-1",
        US,
        "402",
        json!({ "id": "58" }),
        vec![new_line.clone()],
    );
    let (status, err) = call(&w, "POST", "/card/documents", body.clone()).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("item_not_matched")),
        "{err}"
    );
    assert!(mystery_items(&w).is_empty());

    Settings {
        unmatched_item: UnmatchedItem::CreateItem,
        income_accounts: [(US.parse().unwrap(), "1".parse().unwrap())].into(),
        ..Settings::default()
    }
    .save(&w.app.store, PORTAL)
    .await
    .unwrap();
    assert_eq!(get(&w, &draft_path).await["createItems"], true);
    let (status, first) = call(&w, "POST", "/card/documents", body.clone()).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(
        (status, &again["document"]["id"]),
        (200, &first["document"]["id"])
    );
    let created = mystery_items(&w);
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["Sku"], "NO-MATCH-1");
    assert_eq!(created[0]["UnitPrice"], 99.0);
    assert_eq!(created[0]["IncomeAccountRef"]["value"], "1");
    let item_id = created[0]["Id"].as_str().unwrap().to_string();
    // The next wizard suggests the new item: the company's kept catalogue was dropped.
    let draft = get(&w, &draft_path).await;
    assert!(
        draft["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["suggestedItem"]["id"] == item_id.as_str()),
        "{draft}"
    );
    let invoice = |id: &Value| {
        w.qbo_entities(US, "Invoice")
            .into_iter()
            .find(|i| &i["Id"] == id)
            .expect("invoice")
    };
    assert_eq!(
        item_ids(&invoice(&first["document"]["id"])),
        [item_id.as_str()]
    );
    // Another rep's wizard still offers to create it (its draft was read before): QuickBooks answers 6240
    // and the existing item is used.
    let body = create_body(
        "new-item-2",
        US,
        "402",
        json!({ "id": "58" }),
        vec![new_line],
    );
    let (status, second) = call(&w, "POST", "/card/documents", body).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(mystery_items(&w).len(), 1);
    assert_eq!(
        item_ids(&invoice(&second["document"]["id"])),
        [item_id.as_str()]
    );
    assert_eq!(
        w.qbo.count("POST", "/item"),
        2,
        "the second create met 6240"
    );
}

/// The item lines of a stored document: (amount, description).
fn item_lines(doc: &Value) -> Vec<(f64, String)> {
    doc["Line"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["DetailType"] == "SalesItemLineDetail")
        .map(|l| {
            (
                l["Amount"].as_f64().unwrap(),
                l["Description"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn deposits_and_the_balance_invoice_bill_the_deal_once_in_total() {
    let w = World::new().await;
    // Deal 401: 2 × 150.00 consulting and 4 × 25.50 widgets (taxable): 402.00 before tax.
    let deal_lines = || {
        vec![
            json!({ "itemId": "1", "description": "Consulting hours", "quantity": "2", "unitPrice": "150" }),
            json!({ "itemId": "2", "description": "Widget", "quantity": "4", "unitPrice": "25.50" }),
        ]
    };
    let portion_body = |key: &str, portion: Value| {
        let mut body = create_body(key, US, "401", json!({ "id": "58" }), deal_lines());
        body["portion"] = portion;
        body
    };
    let stored = |w: &World, doc: &Value| {
        w.qbo_entities(US, "Invoice")
            .into_iter()
            .find(|i| i["Id"] == doc["document"]["id"])
            .expect("the invoice")
    };
    let invoices = count(&w, US, "Invoice");

    // Refused before anything is written.
    for (portion, words) in [
        (json!({ "kind": "percent", "percent": "0" }), "percentage"),
        (
            json!({ "kind": "percent", "percent": "100.5" }),
            "percentage",
        ),
        (json!({ "kind": "amount", "amount": "-1" }), "amount"),
        (json!({ "kind": "amount", "amount": "402.01" }), "remains"),
        (
            json!({ "kind": "amount", "amount": "79228162514264337593543950335" }),
            "remains",
        ),
        (json!({ "kind": "thirds" }), "expected one of"),
    ] {
        let (status, err) = call(
            &w,
            "POST",
            "/card/documents",
            portion_body("bad", portion.clone()),
        )
        .await;
        assert_eq!(status, 400, "{portion}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(words),
            "{portion}: {err}"
        );
    }
    let mut estimate = portion_body("estimate", json!({ "kind": "balance" }));
    estimate["type"] = json!("estimate");
    let (status, _) = call(&w, "POST", "/card/documents", estimate).await;
    assert_eq!(status, 400, "portions are for invoices");
    assert_eq!(count(&w, US, "Invoice"), invoices);

    // 30 % deposit: every line keeps its item and bills 30 % of itself.
    let (status, deposit) = call(
        &w,
        "POST",
        "/card/documents",
        portion_body("deposit-30", json!({ "kind": "percent", "percent": "30" })),
    )
    .await;
    assert_eq!(status, 201, "{deposit}");
    let invoice = stored(&w, &deposit);
    let lines = item_lines(&invoice);
    assert_eq!(
        lines.iter().map(|l| l.0).collect::<Vec<_>>(),
        [90.0, 30.6],
        "{invoice}"
    );
    assert!(
        lines[0]
            .1
            .starts_with("Deposit 30% of Acme consulting: Consulting hours"),
        "{lines:?}"
    );
    assert_eq!(
        invoice["Line"][1]["SalesItemLineDetail"]["ItemRef"]["value"],
        "2"
    );
    let taxed = invoice["TxnTaxDetail"]["TotalTax"].as_f64().unwrap();
    assert!(taxed > 0.0, "the widget share stays taxable: {invoice}");

    // More than what remains (402 − 120.60 = 281.40) is refused; a fixed 100.00 deposit is shared out.
    let (status, err) = call(
        &w,
        "POST",
        "/card/documents",
        portion_body("too-much", json!({ "kind": "amount", "amount": "281.41" })),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("281.40"),
        "{err}"
    );
    let (status, fixed) = call(
        &w,
        "POST",
        "/card/documents",
        portion_body(
            "deposit-100",
            json!({ "kind": "amount", "amount": "100.00" }),
        ),
    )
    .await;
    assert_eq!(status, 201, "{fixed}");
    assert_eq!(
        item_lines(&stored(&w, &fixed))
            .iter()
            .map(|l| l.0)
            .collect::<Vec<_>>(),
        [74.63, 25.37]
    );

    // The balance: what the two deposits left, then nothing more.
    let (status, balance) = call(
        &w,
        "POST",
        "/card/documents",
        portion_body("balance", json!({ "kind": "balance" })),
    )
    .await;
    assert_eq!(status, 201, "{balance}");
    let lines = item_lines(&stored(&w, &balance));
    let cents: i64 = lines.iter().map(|l| (l.0 * 100.0).round() as i64).sum();
    assert_eq!(cents, 18140, "402.00 − 120.60 − 100.00: {lines:?}");
    assert!(
        lines[0].1.starts_with("Balance of Acme consulting"),
        "{lines:?}"
    );
    let (status, err) = call(
        &w,
        "POST",
        "/card/documents",
        portion_body("balance-again", json!({ "kind": "balance" })),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fully invoiced"),
        "{err}"
    );
    assert_eq!(count(&w, US, "Invoice"), invoices + 3);

    // The deal shows all three together (I11): invoiced and still due.
    let totals: f64 = [&deposit, &fixed, &balance]
        .iter()
        .map(|d| stored(&w, d)["TotalAmt"].as_f64().unwrap())
        .sum();
    let props = w
        .hubspot_record(
            "deals",
            "401",
            &[
                "qbo_invoiced_total",
                "qbo_invoiced_balance",
                "qbo_invoice_id",
            ],
        )
        .await;
    let shown: f64 = props["qbo_invoiced_total"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((shown - totals).abs() < 0.001, "{props} vs {totals}");
    assert_eq!(props["qbo_invoiced_balance"], props["qbo_invoiced_total"]);
    assert_eq!(props["qbo_invoice_id"], balance["document"]["id"]);
}

#[tokio::test]
async fn two_balance_invoices_at_once_bill_the_rest_once() {
    let w = World::new().await;
    let balance = |key: &str| {
        let mut body = create_body(
            key,
            US,
            "401",
            json!({ "id": "58" }),
            vec![
                json!({ "itemId": "1", "quantity": "2", "unitPrice": "150" }),
                json!({ "itemId": "2", "quantity": "4", "unitPrice": "25.50" }),
            ],
        );
        body["portion"] = json!({ "kind": "balance" });
        body
    };
    let invoices = count(&w, US, "Invoice");
    let (first, second) = tokio::join!(
        Box::pin(call(&w, "POST", "/card/documents", balance("rep-a"))),
        Box::pin(call(&w, "POST", "/card/documents", balance("rep-b"))),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses[0], 201, "{first:?} {second:?}");
    assert!(
        matches!(statuses[1], 400 | 503),
        "the other waits its turn or finds nothing left: {first:?} {second:?}"
    );
    assert_eq!(count(&w, US, "Invoice"), invoices + 1);
}

#[tokio::test]
async fn an_invoice_quickbooks_gives_no_balance_is_never_shown_paid() {
    let w = World::new().await;
    // Invoice 1004 is paid in full (Balance 0); QuickBooks answering without its Balance must not keep
    // reading as "paid in full" (a missing Balance once defaulted to 0).
    w.qbo.with_state(|s| {
        let invoice = s.companies.get_mut(US).unwrap().find_mut("Invoice", "133");
        invoice.unwrap().as_object_mut().unwrap().remove("Balance");
    });
    let linked = link_invoices(&w, "contacts", "201", &["133"]).await;
    let invoice = linked["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "133")
        .unwrap()
        .clone();
    assert_eq!(
        (invoice["status"].as_str(), &invoice["balance"]),
        (Some("sent"), &Value::Null),
        "unknown, not paid: {invoice}"
    );
}

/// B8: an invoice deleted in QuickBooks is no longer returned by its read; the card marks it deleted
/// (instead of failing or showing its last figures as if current), the deal's totals leave it out, and it
/// is never asked for again.
#[tokio::test]
async fn a_linked_invoice_deleted_in_quickbooks_shows_as_deleted_and_leaves_the_deal_totals() {
    let w = World::new().await;
    link_invoices(&w, "deals", "401", &["130", "132"]).await;
    let invoice = |id: &str| {
        w.qbo_entities(US, "Invoice")
            .into_iter()
            .find(|i| i["Id"] == id)
            .unwrap()
    };
    let kept = invoice("130");
    let gone = invoice("132");
    w.qbo_post(
        US,
        "invoice?operation=delete",
        json!({ "Id": "132", "SyncToken": gone["SyncToken"] }),
    )
    .await;

    let listed = get(&w, "/card/records/deals/401?refresh=1").await;
    let shown = listed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "132")
        .expect("still listed")
        .clone();
    assert_eq!(
        (shown["status"].as_str(), shown["statusLabel"].as_str()),
        (Some("deleted"), Some("Deleted")),
        "{shown}"
    );
    assert_eq!(shown["openUrl"], Value::Null, "no page left to open");
    assert_eq!(shown["number"], gone["DocNumber"], "its last known figures");
    assert_eq!(listed["notices"], json!([]), "{listed}");

    let deal = w
        .hubspot_record(
            "deals",
            "401",
            &["qbo_invoiced_total", "qbo_invoice_id", "qbo_invoice_status"],
        )
        .await;
    let total = |v: &Value| v.as_f64().or_else(|| v.as_str()?.parse().ok()).unwrap();
    assert_eq!(
        total(&deal["qbo_invoiced_total"]),
        total(&kept["TotalAmt"]),
        "{deal}"
    );
    assert_eq!(deal["qbo_invoice_id"], "130", "{deal}");

    // Deleted stays deleted: the next refresh asks QuickBooks about 130 alone.
    let before = w.qbo.requests().len();
    get(&w, "/card/records/deals/401?refresh=1").await;
    let asked: Vec<String> = w.qbo.requests()[before..]
        .iter()
        .filter(|r| r.path.ends_with("/query"))
        .map(|r| format!("{} {}", r.query, r.body))
        .collect();
    assert!(
        asked.iter().all(|q| !q.contains("132")),
        "asked again about the deleted invoice: {asked:#?}"
    );
}

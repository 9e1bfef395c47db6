//! Payments, void, delete, send, PDF, CDC, batch and `requestid` replay (quickbooks-api.md §2, §3, §5, §7).

mod common;

use common::{code, payment, sales_line, Company, US};
use serde_json::{json, Value};

#[tokio::test]
async fn payments_reduce_the_invoice_balance_and_link_to_it() {
    let us = Company::unthrottled(US).await;
    let (status, body) = us.post("payment", payment("58", 500.0, "130", 500.0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Payment"]["UnappliedAmt"], 0.0);
    let paid_by = body["Payment"]["Id"].clone();
    let (_, inv) = us.get_json("invoice/130").await;
    assert_eq!(inv["Invoice"]["Balance"], 250.0, "partially paid");
    assert_eq!(
        inv["Invoice"]["LinkedTxn"],
        json!([{"TxnId": paid_by, "TxnType": "Payment"}])
    );
    assert_eq!(inv["Invoice"]["SyncToken"], "1", "the invoice changed");
    assert_eq!(us.stored("Customer", "58")["Balance"], 925.0);

    for (body, why) in [
        (
            payment("58", 300.0, "130", 300.0),
            "more than the open balance",
        ),
        (payment("58", 100.0, "130", 200.0), "more applied than paid"),
        (
            payment("60", 10.0, "130", 10.0),
            "another customer's invoice",
        ),
    ] {
        let (status, answer) = us.post("payment", body).await;
        assert_eq!((status, code(&answer)), (400, "6000"), "{why}: {answer}");
    }
    let (status, answer) = us.post("payment", payment("58", 10.0, "999", 10.0)).await;
    assert_eq!((status, code(&answer)), (400, "2500"));

    let (status, body) = us.post("payment", payment("58", 300.0, "130", 250.0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Payment"]["UnappliedAmt"], 50.0);
    assert_eq!(us.stored("Invoice", "130")["Balance"], 0.0, "paid");

    // Deleting a payment gives the invoice its balance back.
    let id = body["Payment"]["Id"].as_str().unwrap();
    let (status, _) = us
        .post(
            "payment?operation=delete",
            json!({"Id": id, "SyncToken": "0"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(us.stored("Invoice", "130")["Balance"], 250.0);
    // So does voiding one (include=void on a payment update).
    let (status, voided) = us
        .post(
            "payment?operation=update&include=void",
            json!({"Id": paid_by, "SyncToken": "0", "sparse": true}),
        )
        .await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided["Payment"]["TotalAmt"], 0);
    assert_eq!(us.stored("Invoice", "130")["Balance"], 750.0);
}

#[tokio::test]
async fn void_zeroes_the_invoice_and_delete_removes_it() {
    let us = Company::unthrottled(US).await;
    let (status, voided) = us
        .post(
            "invoice?operation=void",
            json!({"Id": "131", "SyncToken": "0"}),
        )
        .await;
    assert_eq!(status, 200, "{voided}");
    let inv = &voided["Invoice"];
    assert_eq!(
        (inv["TotalAmt"].as_i64(), inv["Balance"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(inv["Line"][0]["Amount"], 0);
    assert_eq!(inv["PrivateNote"], "Voided");
    assert_eq!(inv["DocNumber"], "1002", "a voided invoice stays");
    assert_eq!(
        us.stored("Customer", "58")["Balance"],
        1150.0,
        "1425 less the voided 275"
    );
    let (status, body) = us
        .post(
            "invoice?operation=void",
            json!({"Id": "131", "SyncToken": "0"}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "5010"));

    let (status, deleted) = us
        .post(
            "invoice?operation=delete",
            json!({"Id": "134", "SyncToken": "0"}),
        )
        .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(
        deleted["Invoice"],
        json!({"Id": "134", "status": "Deleted", "domain": "QBO"})
    );
    assert_eq!(us.get("invoice/134").await.status(), 400, "gone from reads");
    let (_, found) = us.query("SELECT * FROM Invoice WHERE Id = '134'").await;
    assert_eq!(found["QueryResponse"], json!({}), "and from queries");
    let (status, body) = us
        .post(
            "customer?operation=delete",
            json!({"Id": "59", "SyncToken": "1"}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "500"),
        "name lists are made inactive, not deleted"
    );
    let (status, body) = us
        .post(
            "invoice?operation=merge",
            json!({"Id": "130", "SyncToken": "0"}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "500"));
    // Ids are never reused, not even the deleted highest one.
    let (status, _) = us
        .post(
            "salesreceipt?operation=delete",
            json!({"Id": "151", "SyncToken": "0"}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, created) = us.post("invoice", json!({"CustomerRef": {"value": "58"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]})).await;
    assert_eq!(created["Invoice"]["Id"], "152");
}

#[tokio::test]
async fn cdc_reports_changes_and_deletes_within_thirty_days() {
    let mut us = Company::unthrottled(US).await;
    us.post(
        "invoice?operation=void",
        json!({"Id": "131", "SyncToken": "0"}),
    )
    .await;
    us.post(
        "invoice?operation=delete",
        json!({"Id": "134", "SyncToken": "0"}),
    )
    .await;
    let (status, cdc) = us
        .get_json("cdc?entities=Invoice,Customer,Payment&changedSince=2026-11-15T00:00:00-08:00")
        .await;
    assert_eq!(status, 200, "{cdc}");
    let responses = cdc["CDCResponse"][0]["QueryResponse"].as_array().unwrap();
    assert_eq!(responses.len(), 3, "one per entity asked for");
    let invoices = responses[0]["Invoice"].as_array().unwrap();
    let status_of = |id: &str| {
        invoices
            .iter()
            .find(|i| i["Id"] == id)
            .map(|i| i["status"].clone())
    };
    assert_eq!(status_of("134"), Some(json!("Deleted")));
    assert_eq!(
        status_of("131"),
        Some(Value::Null),
        "the void is a change, returned in full"
    );
    assert!(status_of("130").is_some(), "updated on the 20th");
    assert!(status_of("132").is_none(), "not changed since");
    assert_eq!(responses[0]["startPosition"], 1);
    assert_eq!(responses[0]["maxResults"], invoices.len());
    assert_eq!(responses[1], json!({}), "no customer changed");
    assert!(cdc["time"].as_str().unwrap().ends_with("-08:00"));

    let (status, body) = us
        .get_json("cdc?entities=Invoice&changedSince=2026-10-22T00:00:00-08:00")
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "6000"),
        "more than 30 days back"
    );
    us.control("clock", json!({"advance_seconds": 31 * 86_400}))
        .await;
    us.reconnect();
    let (status, _) = us
        .get_json("cdc?entities=Invoice&changedSince=2026-11-15T00:00:00-08:00")
        .await;
    assert_eq!(status, 400, "the window moves with the clock");
    for bad in [
        "cdc?entities=Invoice",
        "cdc?changedSince=2026-12-20",
        "cdc?entities=TaxCode&changedSince=2026-12-20",
    ] {
        let (status, body) = us.get_json(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn send_sets_email_status_and_delivery_info() {
    let us = Company::unthrottled(US).await;
    let res = reqwest::Client::new()
        .post(us.url("invoice/130/send?sendTo=ap%40acme.example&minorversion=75"))
        .bearer_auth(&us.token)
        .header("content-type", "application/octet-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let inv = &body["Invoice"];
    assert_eq!(inv["EmailStatus"], "EmailSent");
    assert_eq!(inv["BillEmail"]["Address"], "ap@acme.example");
    assert_eq!(inv["DeliveryInfo"]["DeliveryType"], "Email");
    assert!(inv["DeliveryInfo"]["DeliveryTime"]
        .as_str()
        .unwrap()
        .ends_with("-08:00"));
    let (status, body) = us.post("invoice/130/send", json!(null)).await;
    assert_eq!(status, 200, "without sendTo, to BillEmail: {body}");
    assert_eq!(body["Invoice"]["BillEmail"]["Address"], "ap@acme.example");
    let (status, body) = us.post("invoice/404/send", json!(null)).await;
    assert_eq!((status, code(&body)), (400, "610"));
}

#[tokio::test]
async fn the_pdf_is_a_real_document_with_number_and_total() {
    let us = Company::unthrottled(US).await;
    let pdf = us.get("invoice/132/pdf").await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(text.starts_with("%PDF-1.4") && text.trim_end().ends_with("%%EOF"));
    assert!(text.contains("(Invoice 1003)"), "{text}");
    assert!(text.contains("(Total: USD 600.00)"), "{text}");
    assert!(text.contains("(Balance due: USD 275.00)"), "{text}");
    // Every cross-reference entry points at its object, as a PDF reader checks.
    let xref_at: usize = text
        .split("startxref\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let xref = &text[xref_at..];
    assert!(xref.starts_with("xref\n0 "));
    let offsets: Vec<usize> = xref
        .lines()
        .skip(3)
        .take_while(|l| l.ends_with(" n "))
        .map(|l| l[..10].parse().unwrap())
        .collect();
    assert_eq!(offsets.len(), 5);
    for (i, offset) in offsets.iter().enumerate() {
        assert!(
            text[*offset..].starts_with(&format!("{} 0 obj", i + 1)),
            "object {}",
            i + 1
        );
    }
    let length: usize = text
        .split("/Length ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let stream = text.split("stream\n").nth(1).unwrap();
    assert_eq!(
        &stream[length..length + 1],
        "\n",
        "the stream length is exact"
    );
    assert_eq!(us.get("invoice/404/pdf").await.status(), 400);
}

#[tokio::test]
async fn a_repeated_requestid_returns_the_first_answer_and_writes_nothing() {
    let us = Company::unthrottled(US).await;
    let body =
        json!({"CustomerRef": {"value": "60"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]});
    let (_, first) = us.post("invoice?requestid=abc123", body.clone()).await;
    let (_, second) = us
        .post("invoice?requestid=abc123&minorversion=75", body.clone())
        .await;
    assert_eq!(first, second, "the same answer, time included");
    assert_eq!(us.count_of("Invoice"), 7, "six seeded, one created");
    let (_, third) = us.post("invoice?requestid=other", body).await;
    assert_ne!(third["Invoice"]["Id"], first["Invoice"]["Id"]);
    // A refused write is answered the same way again.
    let (s1, f1) = us
        .post("customer?requestid=dup", json!({"DisplayName": "Acme Ltd"}))
        .await;
    let (s2, f2) = us
        .post("customer?requestid=dup", json!({"DisplayName": "Acme Ltd"}))
        .await;
    assert_eq!((s1, &f1), (s2, &f2));
    assert_eq!(code(&f1), "6240");
    // Sends too: the repeat does not send again.
    let (_, sent) = us
        .post("invoice/130/send?requestid=send-1", json!(null))
        .await;
    let (_, again) = us
        .post("invoice/130/send?requestid=send-1", json!(null))
        .await;
    assert_eq!(sent, again);
    assert_eq!(us.stored("Invoice", "130")["SyncToken"], "1");
}

#[tokio::test]
async fn batch_answers_each_item_in_place_and_items_cannot_see_each_other() {
    let us = Company::unthrottled(US).await;
    let (status, body) = us
        .post("batch", json!({"BatchItemRequest": [
            {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Acme Ltd"}},
            {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Batch Customer"}},
            {"bId": "3", "Query": "SELECT * FROM Customer WHERE DisplayName = 'Acme Ltd.'"},
            {"bId": "4", "operation": "update", "optionsData": "void", "Invoice": {"Id": "130", "SyncToken": "0"}},
            {"bId": "5", "Query": "SELECT * FROM Customer WHERE DisplayName = 'Batch Customer'"},
            {"bId": "6", "operation": "create", "Invoice": {"CustomerRef": {"value": "152"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}},
            {"bId": "7", "operation": "delete", "Invoice": {"Id": "134", "SyncToken": "0"}},
            {"bId": "8", "operation": "update", "Customer": {"Id": "60", "SyncToken": "0", "sparse": true, "CompanyName": "Globex"}}
        ]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["BatchItemResponse"].as_array().unwrap();
    let bids: Vec<_> = items.iter().map(|i| i["bId"].as_str().unwrap()).collect();
    assert_eq!(bids, ["1", "2", "3", "4", "5", "6", "7", "8"]);
    assert_eq!(items[0]["Fault"]["Error"][0]["code"], "6240");
    assert_eq!(items[0]["Fault"]["type"], "ValidationFault");
    assert_eq!(items[1]["Customer"]["DisplayName"], "Batch Customer");
    assert_eq!(items[1]["Customer"]["Id"], "152", "the Id item 6 refers to");
    assert_eq!(items[2]["QueryResponse"]["Customer"][0]["Id"], "59");
    assert_eq!(items[3]["Invoice"]["PrivateNote"], "Voided");
    assert_eq!(
        items[4]["QueryResponse"],
        json!({}),
        "an item cannot see what an earlier one created"
    );
    assert_eq!(items[5]["Fault"]["Error"][0]["code"], "2500");
    assert_eq!(items[6]["Invoice"]["status"], "Deleted");
    assert_eq!(items[7]["Customer"]["CompanyName"], "Globex");
    assert!(body["time"].is_string());
    let (_, after) = us
        .query("SELECT * FROM Customer WHERE DisplayName = 'Batch Customer'")
        .await;
    assert_eq!(
        after["QueryResponse"]["Customer"][0]["Id"], items[1]["Customer"]["Id"],
        "but it was created"
    );

    let too_many: Vec<Value> = (0..31)
        .map(|i| json!({"bId": i.to_string(), "Query": "SELECT * FROM Term"}))
        .collect();
    let (status, body) = us
        .post("batch", json!({"BatchItemRequest": too_many}))
        .await;
    assert_eq!((status, code(&body)), (400, "1040"));
}

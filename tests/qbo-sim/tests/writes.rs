//! Creates, updates, voids, deletes, sends, PDFs, payments, CDC and `requestid` replay, over loopback HTTP.

use qbo_sim::{QboSim, Seed};
use serde_json::{json, Value};

const US: &str = "9130357766900011";
const UK: &str = "9130357766900022";
const CA: &str = "9130357766900033";

struct Company<'a> {
    sim: &'a QboSim,
    realm: &'static str,
    token: String,
}

impl<'a> Company<'a> {
    async fn connect(sim: &'a QboSim, realm: &'static str) -> Self {
        sim.with_state(|s| s.rate_limits = false);
        Self {
            sim,
            realm,
            token: sim.issue_access_token(realm),
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/v3/company/{}/{path}",
                self.sim.base_url(),
                self.realm
            ))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!(
                "{}/v3/company/{}/{path}",
                self.sim.base_url(),
                self.realm
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }
}

fn code(body: &Value) -> &str {
    body["Fault"]["Error"][0]["code"].as_str().unwrap_or("")
}

fn sales_line(item: &str, qty: f64, price: f64, amount: f64, tax: Option<&str>) -> Value {
    let mut detail = json!({"ItemRef": {"value": item}, "Qty": qty, "UnitPrice": price});
    if let Some(t) = tax {
        detail["TaxCodeRef"] = json!({"value": t});
    }
    json!({"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail})
}

#[tokio::test]
async fn us_invoice_gets_totals_tax_number_due_date_and_balance() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let (status, body) = us
        .post("invoice?minorversion=75", json!({
            "CustomerRef": {"value": "58"}, "TxnDate": "2026-11-02",
            "Line": [sales_line("1", 2.0, 150.0, 300.0, Some("NON")), sales_line("2", 4.0, 25.5, 102.0, Some("TAX"))]
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    let inv = &body["Invoice"];
    assert_eq!(
        inv["DocNumber"], "1007",
        "the next number after the seeded 1001–1006"
    );
    assert_eq!(
        inv["DueDate"], "2026-12-02",
        "Net 30, the company's default terms"
    );
    assert_eq!(
        inv["TxnTaxDetail"]["TotalTax"], 8.42,
        "8.25% of the taxable 102.00"
    );
    assert_eq!(inv["TotalAmt"], 410.42);
    assert_eq!(inv["Balance"], 410.42);
    assert_eq!(inv["EmailStatus"], "NotSet");
    assert!(inv["Id"].is_string() && inv["SyncToken"] == "0");
    assert!(inv["MetaData"]["CreateTime"]
        .as_str()
        .unwrap()
        .ends_with("-08:00"));
    assert_eq!(
        inv["Line"][0]["Amount"], 300,
        "whole line amounts are integers"
    );
}

#[tokio::test]
async fn business_rules_answer_with_their_fault_codes() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let cases = [
        ("customer", json!({"DisplayName": "acme ltd"}), "6240"),
        ("item", json!({"Name": "Widget"}), "6240"),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "Line": [sales_line("1", 2.0, 150.0, 299.0, None)]}),
            "6070",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "999"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "2500",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "61"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "610",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "Line": [sales_line("404", 1.0, 1.0, 1.0, None)]}),
            "2500",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "Line": []}),
            "2020",
        ),
        ("invoice", json!([1, 2]), "2010"),
    ];
    let before = sim.with_state(|s| {
        s.companies[US]
            .seed
            .entities
            .values()
            .map(Vec::len)
            .sum::<usize>()
    });
    for (path, body, want) in cases {
        let (status, answer) = us.post(path, body).await;
        assert_eq!((status, code(&answer)), (400, want), "{path}: {answer}");
    }
    let after = sim.with_state(|s| {
        s.companies[US]
            .seed
            .entities
            .values()
            .map(Vec::len)
            .sum::<usize>()
    });
    assert_eq!(before, after, "a refused write stores nothing");
    // A near-identical name is a different name.
    let (status, body) = us
        .post("customer", json!({"DisplayName": "Acme Ltd (2)"}))
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn non_us_companies_need_a_tax_code_on_every_line() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let uk = Company::connect(&sim, UK).await;
    let without =
        json!({"CustomerRef": {"value": "7"}, "Line": [sales_line("11", 1.0, 120.0, 120.0, None)]});
    let (status, body) = uk.post("invoice", without).await;
    assert_eq!((status, code(&body)), (400, "6000"));
    assert!(body["Fault"]["Error"][0]["Detail"]
        .as_str()
        .unwrap()
        .contains("VAT rate"));
    let with = json!({"CustomerRef": {"value": "7"}, "Line": [sales_line("11", 1.0, 120.0, 120.0, Some("2")), sales_line("12", 1.0, 19.99, 19.99, Some("17"))]});
    let (status, body) = uk.post("invoice", with).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Invoice"]["TxnTaxDetail"]["TotalTax"], 24.0);
    assert_eq!(body["Invoice"]["TotalAmt"], 163.99);
    assert_eq!(body["Invoice"]["CurrencyRef"]["value"], "GBP");
}

#[tokio::test]
async fn custom_transaction_numbers_are_the_callers_and_unique() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let ca = Company::connect(&sim, CA).await;
    let invoice = |number: Option<&str>| {
        let mut v = json!({"CustomerRef": {"value": "21"}, "Line": [sales_line("31", 1.0, 160.0, 160.0, Some("5"))]});
        if let Some(n) = number {
            v["DocNumber"] = json!(n);
        }
        v
    };
    let (status, body) = ca.post("invoice", invoice(Some("MC-0007"))).await;
    assert_eq!((status, code(&body)), (400, "6140"));
    let (status, body) = ca.post("invoice", invoice(Some("MC-0008"))).await;
    assert_eq!(
        (status, body["Invoice"]["DocNumber"].as_str()),
        (200, Some("MC-0008"))
    );
    let (status, body) = ca.post("invoice", invoice(None)).await;
    assert_eq!(status, 200);
    assert!(
        body["Invoice"].get("DocNumber").is_none(),
        "no number is assigned when custom numbers are on"
    );
    // A customer's currency fixes the invoice's (multi-currency).
    let usd = json!({"CustomerRef": {"value": "22"}, "Line": [sales_line("31", 1.0, 160.0, 160.0, Some("5"))]});
    assert_eq!(
        ca.post("invoice", usd).await.1["Invoice"]["CurrencyRef"]["value"],
        "USD"
    );
}

#[tokio::test]
async fn sparse_updates_check_the_sync_token() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "58", "SyncToken": "0", "sparse": true, "CompanyName": "Acme Limited"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["Customer"]["SyncToken"].as_str(),
            body["Customer"]["DisplayName"].as_str()
        ),
        (Some("1"), Some("Acme Ltd"))
    );
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "58", "SyncToken": "0", "sparse": true, "CompanyName": "Late"}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "5010"));
}

#[tokio::test]
async fn payments_reduce_balances_and_void_and_delete_show_in_cdc() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let (status, body) = us
        .post("payment", json!({"CustomerRef": {"value": "58"}, "TotalAmt": 500, "Line": [{"Amount": 500, "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let inv: Value = us.get("invoice/130").await.json().await.unwrap();
    assert_eq!(inv["Invoice"]["Balance"], 250.0);
    assert_eq!(inv["Invoice"]["LinkedTxn"][0]["TxnType"], "Payment");
    let (status, body) = us
        .post("payment", json!({"CustomerRef": {"value": "58"}, "TotalAmt": 300, "Line": [{"Amount": 300, "LinkedTxn": [{"TxnId": "130", "TxnType": "Invoice"}]}]}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "6000"),
        "more than the open balance"
    );

    let since = "2026-11-01T00:00:00Z";
    let (status, voided) = us
        .post(
            "invoice?operation=void",
            json!({"Id": "131", "SyncToken": "0"}),
        )
        .await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(
        (
            voided["Invoice"]["TotalAmt"].as_i64(),
            voided["Invoice"]["PrivateNote"].as_str()
        ),
        (Some(0), Some("Voided"))
    );
    let (status, deleted) = us
        .post(
            "invoice?operation=delete",
            json!({"Id": "134", "SyncToken": "0"}),
        )
        .await;
    assert_eq!(
        (status, deleted["Invoice"]["status"].as_str()),
        (200, Some("Deleted"))
    );
    assert_eq!(us.get("invoice/134").await.status(), 400, "gone from reads");
    let cdc: Value = us
        .get(&format!("cdc?entities=Invoice&changedSince={since}"))
        .await
        .json()
        .await
        .unwrap();
    let changed = cdc["CDCResponse"][0]["QueryResponse"][0]["Invoice"]
        .as_array()
        .unwrap()
        .clone();
    let status_of = |id: &str| {
        changed
            .iter()
            .find(|i| i["Id"] == id)
            .map(|i| i["status"].clone())
    };
    assert_eq!(status_of("134"), Some(json!("Deleted")));
    assert!(status_of("131").is_some(), "the void is a change");
    assert!(
        status_of("130").is_some(),
        "the payment changed the invoice"
    );
    let stale = us
        .get("cdc?entities=Invoice&changedSince=2026-01-01T00:00:00Z")
        .await;
    assert_eq!(stale.status(), 400, "CDC reaches back 30 days at most");
}

#[tokio::test]
async fn send_sets_email_status_and_pdf_is_a_real_document() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let (status, body) = us
        .post("invoice/130/send?sendTo=ap%40acme.example", json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Invoice"]["EmailStatus"], "EmailSent");
    assert_eq!(body["Invoice"]["BillEmail"]["Address"], "ap@acme.example");
    assert_eq!(body["Invoice"]["DeliveryInfo"]["DeliveryType"], "Email");
    let pdf = us.get("invoice/130/pdf").await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("%PDF-1.4") && text.trim_end().ends_with("%%EOF"));
    assert!(text.contains("Invoice 1001"), "{text}");
    let xref_at: usize = text
        .split("startxref\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        text[xref_at..].starts_with("xref"),
        "the xref offset is right"
    );
}

#[tokio::test]
async fn a_repeated_requestid_returns_the_first_answer_and_creates_nothing() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let body =
        json!({"CustomerRef": {"value": "60"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]});
    let (_, first) = us.post("invoice?requestid=abc123", body.clone()).await;
    let (_, second) = us.post("invoice?requestid=abc123", body).await;
    assert_eq!(first, second);
    let count = sim.with_state(|s| s.companies[US].seed.entities["Invoice"].len());
    assert_eq!(count, 7, "six seeded, one created");
}

#[tokio::test]
async fn batch_answers_each_item_in_place_faults_included() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let (status, body) = us
        .post("batch", json!({"BatchItemRequest": [
            {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Acme Ltd"}},
            {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Batch Customer"}},
            {"bId": "3", "Query": "SELECT * FROM Customer WHERE DisplayName = 'Batch Customer'"},
            {"bId": "4", "operation": "update", "optionsData": "void", "Invoice": {"Id": "130", "SyncToken": "0"}}
        ]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["BatchItemResponse"].as_array().unwrap();
    assert_eq!(items[0]["bId"], "1");
    assert_eq!(items[0]["Fault"]["Error"][0]["code"], "6240");
    assert_eq!(items[1]["Customer"]["DisplayName"], "Batch Customer");
    assert_eq!(
        items[2]["QueryResponse"]["Customer"][0]["DisplayName"], "Batch Customer",
        "items run in order"
    );
    assert_eq!(items[3]["Invoice"]["PrivateNote"], "Voided");
    let too_many: Vec<Value> = (0..31)
        .map(|i| json!({"bId": i.to_string(), "Query": "SELECT * FROM Term"}))
        .collect();
    let (status, body) = us
        .post("batch", json!({"BatchItemRequest": too_many}))
        .await;
    assert_eq!((status, code(&body)), (400, "1040"));
}

#[tokio::test]
async fn estimates_and_sales_receipts_follow_their_own_rules() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let us = Company::connect(&sim, US).await;
    let lines = json!([sales_line("1", 2.0, 150.0, 300.0, Some("NON"))]);
    let (status, estimate) = us
        .post(
            "estimate",
            json!({"CustomerRef": {"value": "60"}, "Line": lines}),
        )
        .await;
    assert_eq!(status, 200, "{estimate}");
    assert_eq!(estimate["Estimate"]["TxnStatus"], "Pending");
    assert_eq!(estimate["Estimate"]["TotalAmt"], 300.0);
    assert!(
        estimate["Estimate"].get("DueDate").is_none(),
        "only invoices get a due date from terms"
    );
    let (status, receipt) = us
        .post(
            "salesreceipt",
            json!({"CustomerRef": {"value": "60"}, "Line": lines}),
        )
        .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(
        receipt["SalesReceipt"]["Balance"], 0,
        "a sales receipt is paid when made"
    );
    assert_eq!(
        receipt["SalesReceipt"]["DocNumber"], "1001",
        "numbered in its own sequence"
    );
    let (status, body) = us
        .post(
            "salesreceipt",
            json!({"CustomerRef": {"value": "61"}, "Line": lines}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "610"),
        "inactive customers are refused on every document type"
    );
}

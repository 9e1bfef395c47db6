//! Creates and updates with QuickBooks' business rules and fault codes (quickbooks-api.md §2, §7, §8, §10).

mod common;

use common::{code, sales_line, Company, CA, UK, US};
use serde_json::{json, Value};

fn invoice(customer: &str, lines: Vec<Value>) -> Value {
    json!({"CustomerRef": {"value": customer}, "Line": lines})
}

#[tokio::test]
async fn a_us_invoice_gets_totals_tax_number_due_date_and_balance() {
    let us = Company::unthrottled(US).await;
    let mut body = invoice(
        "58",
        vec![
            sales_line("1", 2.0, 150.0, 300.0, Some("NON")),
            sales_line("2", 4.0, 25.5, 102.0, Some("TAX")),
        ],
    );
    body["TxnDate"] = json!("2026-11-02");
    let (status, body) = us.post("invoice?minorversion=75", body).await;
    assert_eq!(status, 200, "{body}");
    let inv = &body["Invoice"];
    assert_eq!(
        inv["DocNumber"], "1007",
        "the next number after the seeded 1001–1006"
    );
    assert_eq!(
        inv["SalesTermRef"]["name"], "Net 30",
        "the company's default terms"
    );
    assert_eq!(inv["DueDate"], "2026-12-02");
    assert_eq!(
        inv["TxnTaxDetail"]["TotalTax"], 8.42,
        "8.25% of the taxable 102.00"
    );
    assert_eq!(inv["TotalAmt"], 410.42);
    assert_eq!(inv["Balance"], 410.42);
    assert_eq!(inv["EmailStatus"], "NotSet");
    assert_eq!(inv["CustomerRef"]["name"], "Acme Ltd");
    assert_eq!(inv["Line"][2]["DetailType"], "SubTotalLineDetail");
    assert_eq!(inv["Line"][2]["Amount"], 402);
    assert!(inv["Id"].is_string() && inv["SyncToken"] == "0");
    let created = inv["MetaData"]["CreateTime"].as_str().unwrap();
    assert!(
        created.starts_with("2026-11-22T09:00") && created.ends_with("-08:00"),
        "{created}"
    );
    let raw = body.to_string();
    assert!(
        raw.contains(r#""Amount":300,"#),
        "whole line amounts are integers: {raw}"
    );
    assert!(raw.contains(r#""TotalAmt":410.42"#), "{raw}");
    // Whole totals keep their fraction: QuickBooks' own mix of 275 and 275.0.
    let (_, whole) = us
        .post(
            "invoice",
            invoice("58", vec![sales_line("3", 1.0, 275.0, 275.0, Some("NON"))]),
        )
        .await;
    let raw = whole.to_string();
    assert!(
        raw.contains(r#""TotalAmt":275.0"#) && raw.contains(r#""Amount":275,"#),
        "{raw}"
    );
    // Terms on the invoice win over the default; an explicit DueDate wins over terms.
    let mut net15 = invoice("58", vec![sales_line("3", 1.0, 275.0, 275.0, None)]);
    net15["SalesTermRef"] = json!({"value": "4"});
    net15["TxnDate"] = json!("2026-11-02");
    assert_eq!(
        us.post("invoice", net15.clone()).await.1["Invoice"]["DueDate"],
        "2026-11-17"
    );
    net15["DueDate"] = json!("2027-01-01");
    assert_eq!(
        us.post("invoice", net15).await.1["Invoice"]["DueDate"],
        "2027-01-01"
    );
    // The customer's balance follows its invoices.
    assert_eq!(
        us.stored("Customer", "58")["Balance"],
        2660.42,
        "1425 + 410.42 + 3 × 275"
    );
}

#[tokio::test]
async fn business_rules_answer_with_their_fault_codes_and_store_nothing() {
    let us = Company::unthrottled(US).await;
    let cases = [
        ("customer", json!({"DisplayName": "acme ltd"}), "6240"),
        ("customer", json!({"CompanyName": "Only a company"}), "6080"),
        ("customer", json!({"DisplayName": "A:B"}), "6000"),
        (
            "item",
            json!({"Name": "Widget", "IncomeAccountRef": {"value": "79"}}),
            "6240",
        ),
        ("item", json!({"Name": "New service"}), "2020"),
        (
            "item",
            json!({"Name": "New service", "IncomeAccountRef": {"value": "999"}}),
            "2500",
        ),
        (
            "item",
            json!({"Name": "Odd", "Type": "Gizmo", "IncomeAccountRef": {"value": "79"}}),
            "2170",
        ),
        (
            "invoice",
            invoice("58", vec![sales_line("1", 2.0, 150.0, 299.0, None)]),
            "6070",
        ),
        (
            "invoice",
            invoice("999", vec![sales_line("1", 1.0, 150.0, 150.0, None)]),
            "2500",
        ),
        (
            "invoice",
            invoice("61", vec![sales_line("1", 1.0, 150.0, 150.0, None)]),
            "610",
        ),
        (
            "invoice",
            invoice("58", vec![sales_line("404", 1.0, 1.0, 1.0, None)]),
            "2500",
        ),
        (
            "invoice",
            invoice("58", vec![sales_line("1", 1.0, 150.0, 150.0, Some("VAT"))]),
            "2500",
        ),
        ("invoice", invoice("58", vec![]), "2020"),
        (
            "invoice",
            json!({"Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "2020",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "SalesTermRef": {"value": "77"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "2500",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "CurrencyRef": {"value": "EUR"}, "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "6000",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "EmailStatus": "Sometimes", "Line": [sales_line("1", 1.0, 150.0, 150.0, None)]}),
            "2170",
        ),
        (
            "invoice",
            json!({"CustomerRef": {"value": "58"}, "Line": [{"Amount": 5, "DetailType": "DiscountLineDetail", "DiscountLineDetail": {}}]}),
            "500",
        ),
        ("invoice", json!([1, 2]), "2010"),
        ("payment", json!({"CustomerRef": {"value": "58"}}), "2020"),
    ];
    let before = us.sim.with_state(|s| s.companies[US].seed.entities.clone());
    for (path, body, want) in cases {
        let (status, answer) = us.post(path, body).await;
        assert_eq!((status, code(&answer)), (400, want), "{path}: {answer}");
    }
    let after = us.sim.with_state(|s| s.companies[US].seed.entities.clone());
    assert_eq!(before, after, "a refused write stores nothing");
    let (status, body) = us
        .post("customer", json!({"DisplayName": "Acme Ltd (2)"}))
        .await;
    assert_eq!(
        status, 200,
        "a near-identical name is a different name: {body}"
    );
    let (status, body) = us
        .post(
            "customer",
            json!({"GivenName": "Grace", "FamilyName": "Hopper"}),
        )
        .await;
    assert_eq!(
        (status, body["Customer"]["DisplayName"].as_str()),
        (200, Some("Grace Hopper"))
    );
    assert_eq!(body["Customer"]["CurrencyRef"]["value"], "USD");
    let (status, body) = us
        .post(
            "item",
            json!({"Name": "Audit", "Sku": "SVC-AUDIT", "IncomeAccountRef": {"value": "1"}}),
        )
        .await;
    assert_eq!(
        (status, body["Item"]["Type"].as_str()),
        (200, Some("Service"))
    );
}

#[tokio::test]
async fn non_us_companies_need_a_tax_code_on_every_line() {
    let uk = Company::unthrottled(UK).await;
    let without = invoice(
        "7",
        vec![
            sales_line("11", 1.0, 120.0, 120.0, Some("2")),
            sales_line("12", 1.0, 19.99, 19.99, None),
        ],
    );
    let (status, body) = uk.post("invoice", without).await;
    assert_eq!((status, code(&body)), (400, "6000"));
    assert!(body["Fault"]["Error"][0]["Detail"]
        .as_str()
        .unwrap()
        .contains("VAT rate"));
    let with = invoice(
        "7",
        vec![
            sales_line("11", 1.0, 120.0, 120.0, Some("2")),
            sales_line("12", 1.0, 19.99, 19.99, Some("17")),
            sales_line("12", 2.0, 10.0, 20.0, Some("6")),
        ],
    );
    let (status, body) = uk.post("invoice", with).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["Invoice"]["TxnTaxDetail"]["TotalTax"], 24.0,
        "20% of 120; exempt and zero-rated add nothing"
    );
    assert_eq!(body["Invoice"]["TotalAmt"], 183.99);
    assert_eq!(body["Invoice"]["CurrencyRef"]["value"], "GBP");
    // A US tax code means nothing here.
    let (status, body) = uk
        .post(
            "invoice",
            invoice("7", vec![sales_line("11", 1.0, 120.0, 120.0, Some("TAX"))]),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "2500"));
}

#[tokio::test]
async fn custom_transaction_numbers_are_the_callers_and_unique() {
    let ca = Company::unthrottled(CA).await;
    let numbered = |number: Option<&str>| {
        let mut v = invoice("21", vec![sales_line("31", 1.0, 160.0, 160.0, Some("5"))]);
        if let Some(n) = number {
            v["DocNumber"] = json!(n);
        }
        v
    };
    let (status, body) = ca.post("invoice", numbered(Some("MC-0007"))).await;
    assert_eq!((status, code(&body)), (400, "6140"));
    let (status, body) = ca
        .post(
            "invoice?include=allowduplicatedocnum",
            numbered(Some("MC-0007")),
        )
        .await;
    assert_eq!(status, 200, "duplicates allowed on request: {body}");
    let (status, body) = ca.post("invoice", numbered(Some("MC-0008"))).await;
    assert_eq!(
        (status, body["Invoice"]["DocNumber"].as_str()),
        (200, Some("MC-0008"))
    );
    assert_eq!(body["Invoice"]["TotalAmt"], 180.8, "13% HST");
    let (status, body) = ca.post("invoice", numbered(None)).await;
    assert_eq!(status, 200);
    assert!(
        body["Invoice"].get("DocNumber").is_none(),
        "no number is assigned when custom numbers are on"
    );
    let (_, body) = ca.post("invoice", numbered(Some("AUTO_GENERATE"))).await;
    assert_eq!(
        body["Invoice"]["DocNumber"], "1001",
        "AUTO_GENERATE numbers it anyway"
    );
    let (status, body) = ca
        .post("invoice", numbered(Some("THIS-NUMBER-IS-TOO-LONG")))
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "6000"),
        "21 characters at most"
    );
    // A customer's currency fixes the invoice's (multi-currency on).
    let usd = invoice("22", vec![sales_line("31", 1.0, 160.0, 160.0, Some("5"))]);
    assert_eq!(
        ca.post("invoice", usd).await.1["Invoice"]["CurrencyRef"]["value"],
        "USD"
    );
    let (status, body) = ca
        .post(
            "customer",
            json!({"DisplayName": "Euro GmbH", "CurrencyRef": {"value": "EUR"}}),
        )
        .await;
    assert_eq!(
        (status, body["Customer"]["CurrencyRef"]["value"].as_str()),
        (200, Some("EUR"))
    );
    // Multi-currency off: only the home currency.
    let us = Company::unthrottled(US).await;
    let (status, body) = us
        .post(
            "customer",
            json!({"DisplayName": "Euro GmbH", "CurrencyRef": {"value": "EUR"}}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "6000"));
}

#[tokio::test]
async fn sparse_updates_check_the_sync_token_and_recompute() {
    let us = Company::unthrottled(US).await;
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "58", "SyncToken": "0", "sparse": true, "CompanyName": "Acme Limited"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Customer"]["SyncToken"], "1");
    assert_eq!(
        body["Customer"]["DisplayName"], "Acme Ltd",
        "untouched fields stay"
    );
    assert_eq!(
        body["Customer"]["Balance"], 1425.0,
        "balances are QuickBooks'"
    );
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "58", "SyncToken": "0", "sparse": true, "CompanyName": "Late"}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "5010"));
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "59", "SyncToken": "1", "sparse": true, "DisplayName": "ACME LTD"}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "6240"),
        "renaming onto another's name"
    );
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "58", "SyncToken": "1", "sparse": true, "Active": false}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "6000"),
        "an open balance cannot be made inactive"
    );
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "404", "SyncToken": "0", "sparse": true}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "610"));

    // Changing lines recomputes totals and the balance, payments included.
    let (status, body) = us
        .post("invoice", json!({"Id": "132", "SyncToken": "0", "sparse": true, "Line": [sales_line("1", 5.0, 150.0, 750.0, Some("NON"))]}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Invoice"]["TotalAmt"], 750.0);
    assert_eq!(body["Invoice"]["Balance"], 425.0, "750 less the 325 paid");
    assert_eq!(body["Invoice"]["DocNumber"], "1003", "the number stays");
    assert_eq!(us.stored("Customer", "60")["Balance"], 425.0);
}

#[tokio::test]
async fn a_full_update_clears_what_it_omits() {
    let us = Company::unthrottled(US).await;
    let (status, body) = us
        .post(
            "customer",
            json!({"Id": "60", "SyncToken": "0", "DisplayName": "Globex Corporation"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["Customer"].get("GivenName").is_none(), "{body}");
    assert!(body["Customer"].get("PrimaryEmailAddr").is_none());
    assert_eq!(
        body["Customer"]["Balance"], 275.0,
        "computed fields are kept"
    );
    assert_eq!(
        body["Customer"]["MetaData"]["CreateTime"],
        "2025-03-10T09:00:00-08:00"
    );
}

#[tokio::test]
async fn estimates_and_sales_receipts_follow_their_own_rules() {
    let us = Company::unthrottled(US).await;
    let lines = vec![sales_line("1", 2.0, 150.0, 300.0, Some("NON"))];
    let (status, estimate) = us.post("estimate", invoice("60", lines.clone())).await;
    assert_eq!(status, 200, "{estimate}");
    assert_eq!(estimate["Estimate"]["TxnStatus"], "Pending");
    assert_eq!(estimate["Estimate"]["TotalAmt"], 300.0);
    assert_eq!(
        estimate["Estimate"]["DocNumber"], "1002",
        "numbered in its own sequence"
    );
    assert!(
        estimate["Estimate"].get("DueDate").is_none(),
        "only invoices get a due date from terms"
    );
    assert!(estimate["Estimate"].get("Balance").is_none());
    let (status, receipt) = us.post("salesreceipt", invoice("60", lines.clone())).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(
        receipt["SalesReceipt"]["Balance"], 0.0,
        "a sales receipt is paid when made"
    );
    assert_eq!(receipt["SalesReceipt"]["DocNumber"], "1002");
    let (status, body) = us.post("salesreceipt", invoice("61", lines)).await;
    assert_eq!(
        (status, code(&body)),
        (400, "610"),
        "inactive customers are refused on every document type"
    );
    assert_eq!(
        us.stored("Customer", "60")["Balance"],
        275.0,
        "estimates and receipts owe nothing"
    );
}

#[tokio::test]
async fn item_names_are_unique_like_quickbooks_says_and_inactive_items_keep_theirs() {
    let us = Company::unthrottled(US).await;
    let new = |name: &str| json!({"Name": name, "Sku": "NEW-1", "UnitPrice": 99, "IncomeAccountRef": {"value": "1"}});
    let (status, created) = us.post("item", new("Mystery box")).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["Item"]["IncomeAccountRef"]["value"], "1");
    let id = created["Item"]["Id"].as_str().unwrap().to_string();
    // A second writer with the same name (any case) loses with 6240 (quickbooks-api.md §8).
    let (status, fault) = us.post("item", new("MYSTERY BOX")).await;
    assert_eq!((status, code(&fault)), (400, "6240"), "{fault}");
    let error = &fault["Fault"]["Error"][0];
    assert_eq!(error["Message"], "Duplicate Name Exists Error");
    assert_eq!(error["element"], "");
    assert_eq!(fault["Fault"]["type"], "ValidationFault");
    assert!(
        error["Detail"]
            .as_str()
            .unwrap()
            .contains("Another product or service"),
        "an item's name is held by a product, not a customer: {fault}"
    );
    assert_eq!(us.count_of("Item"), 4, "three seeded, one created");
    // Made inactive, the item still holds its name.
    let (status, _) = us
        .post(
            "item",
            json!({"Id": id, "SyncToken": "0", "sparse": true, "Active": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, fault) = us.post("item", new("Mystery box")).await;
    assert_eq!((status, code(&fault)), (400, "6240"));
}

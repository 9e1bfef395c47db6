//! The query language subset and its envelopes (quickbooks-api.md §4), over GET and POST.

mod common;

use common::{code, Company, US};
use serde_json::{json, Value};

fn ids(body: &Value, entity: &str) -> Vec<String> {
    body["QueryResponse"][entity]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["Id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn get_and_post_answer_the_same_query_response() {
    let us = Company::start(US).await;
    let statement = "SELECT * FROM Customer WHERE DisplayName LIKE '%acme%' ORDERBY DisplayName";
    let by_get: Value = reqwest::Client::new()
        .get(us.url("query"))
        .query(&[("query", statement), ("minorversion", "75")])
        .bearer_auth(&us.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, by_post) = us.query(statement).await;
    assert_eq!(status, 200);
    assert_eq!(by_get["QueryResponse"], by_post["QueryResponse"]);
    let names: Vec<_> = by_get["QueryResponse"]["Customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["DisplayName"].clone())
        .collect();
    assert_eq!(
        names,
        ["Acme Ltd", "Acme Ltd."],
        "near-identical names, the inactive one hidden"
    );
    assert_eq!(by_get["QueryResponse"]["startPosition"], 1);
    assert_eq!(by_get["QueryResponse"]["maxResults"], 2);
    assert_eq!(by_get["QueryResponse"]["totalCount"], 2);
    assert!(by_get["time"].as_str().unwrap().ends_with("-08:00"));
}

#[tokio::test]
async fn inactive_name_list_records_appear_only_when_asked_for() {
    let us = Company::start(US).await;
    let (_, active) = us.query("SELECT * FROM Customer").await;
    assert_eq!(ids(&active, "Customer"), ["58", "59", "60"]);
    let (_, all) = us
        .query("select * from customer where Active in (true, false)")
        .await;
    assert_eq!(ids(&all, "Customer"), ["58", "59", "60", "61"]);
    let (_, inactive) = us
        .query("SELECT * FROM Customer WHERE Active = false")
        .await;
    assert_eq!(ids(&inactive, "Customer"), ["61"]);
}

#[tokio::test]
async fn operators_filter_on_the_documented_fields() {
    let us = Company::unthrottled(US).await;
    for (statement, entity, want) in [
        ("SELECT * FROM Customer WHERE Id = '59'", "Customer", vec!["59"]),
        ("SELECT * FROM Customer WHERE Id IN ('58', '60')", "Customer", vec!["58", "60"]),
        ("SELECT * FROM Customer WHERE GivenName = 'Hank'", "Customer", vec!["60"]),
        ("SELECT * FROM Customer WHERE FamilyName LIKE 'Tur%'", "Customer", vec!["59"]),
        ("SELECT * FROM Customer WHERE CompanyName LIKE '%corp%'", "Customer", vec!["60"]),
        ("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'hank@globex.example'", "Customer", vec!["60"]),
        ("SELECT * FROM Customer WHERE DisplayName = 'Acme Ltd.'", "Customer", vec!["59"]),
        ("SELECT * FROM Item WHERE Sku = 'HW-WIDGET'", "Item", vec!["2"]),
        ("SELECT * FROM Item WHERE Name LIKE '%hours'", "Item", vec!["1"]),
        ("SELECT * FROM Item WHERE Type = 'Inventory'", "Item", vec!["2"]),
        ("SELECT * FROM Term WHERE Name = 'Net 30'", "Term", vec!["3"]),
        ("SELECT * FROM Account WHERE AccountType = 'Income'", "Account", vec!["1", "79"]),
        ("SELECT * FROM Account WHERE Classification = 'Asset'", "Account", vec!["81", "84"]),
        ("SELECT * FROM Invoice WHERE DocNumber = '1003'", "Invoice", vec!["132"]),
        ("SELECT * FROM Invoice WHERE CustomerRef = '60'", "Invoice", vec!["132"]),
        ("SELECT * FROM Invoice WHERE TxnDate >= '2026-11-01' AND TxnDate < '2026-11-20'", "Invoice", vec!["131"]),
        ("SELECT * FROM Invoice WHERE Balance > '0' AND Balance <= '400'", "Invoice", vec!["131", "132", "134"]),
        ("SELECT * FROM Invoice WHERE DueDate < '2026-11-22' AND Balance > '0'", "Invoice", vec!["134"]),
        ("SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2026-11-01T17:00:00Z'", "Invoice", vec!["131", "130"]),
        ("SELECT * FROM Invoice WHERE Metadata.CreateTime <= '2026-08-01' ORDERBY Metadata.CreateTime", "Invoice", vec!["135"]),
        ("SELECT * FROM Payment WHERE CustomerRef = '59'", "Payment", vec!["141"]),
        ("SELECT * FROM Estimate WHERE TxnDate > '2026-11-01'", "Estimate", vec!["150"]),
    ] {
        let (status, body) = us.query(statement).await;
        assert_eq!(status, 200, "{statement}: {body}");
        let mut got = ids(&body, entity);
        if !statement.contains("ORDERBY") {
            got.sort();
        }
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        if !statement.contains("ORDERBY") {
            want.sort();
        }
        assert_eq!(got, want, "{statement}");
    }
}

#[tokio::test]
async fn order_and_pages_with_startposition_and_maxresults() {
    let us = Company::start(US).await;
    let (_, page) = us
        .query("SELECT * FROM Invoice ORDERBY TxnDate DESC STARTPOSITION 2 MAXRESULTS 3")
        .await;
    assert_eq!(ids(&page, "Invoice"), ["131", "132", "133"]);
    assert_eq!(page["QueryResponse"]["startPosition"], 2);
    assert_eq!(page["QueryResponse"]["maxResults"], 3);
    let (_, past_the_end) = us.query("SELECT * FROM Invoice STARTPOSITION 7").await;
    assert_eq!(past_the_end["QueryResponse"], json!({}));
    let (status, _) = us.query("SELECT * FROM Invoice MAXRESULTS 1000").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn count_and_the_empty_answer_have_their_own_shapes() {
    let us = Company::start(US).await;
    let (_, count) = us
        .query("SELECT COUNT(*) FROM Invoice WHERE Balance > '0'")
        .await;
    assert_eq!(count["QueryResponse"], json!({"totalCount": 4}));
    let (status, empty) = us
        .query("SELECT * FROM Invoice WHERE DocNumber = 'nope'")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        empty["QueryResponse"],
        json!({}),
        "no entity key, no positions"
    );
    assert!(empty["time"].is_string());
}

#[tokio::test]
async fn unsupported_syntax_gets_the_parse_or_validation_fault() {
    let us = Company::unthrottled(US).await;
    for (statement, want) in [
        (
            "SELECT * FROM Invoice WHERE DocNumber = '1' OR DocNumber = '2'",
            "4000",
        ),
        ("SELECT * FROM Invoice, Customer", "4000"),
        ("SELECT DocNumber FROM Invoice", "4000"),
        ("", "4000"),
        ("SELECT * FROM Vendor", "4001"),
        ("SELECT * FROM Invoice WHERE Shoe = '1'", "4001"),
        ("SELECT * FROM Invoice WHERE Line = '1'", "4001"),
        ("SELECT * FROM Invoice MAXRESULTS 1001", "4001"),
    ] {
        let (status, body) = us.query(statement).await;
        assert_eq!((status, code(&body)), (400, want), "{statement}: {body}");
        assert_eq!(body["Fault"]["type"], "ValidationFault");
    }
}

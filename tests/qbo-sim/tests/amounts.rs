//! Amounts are decimals, as in QuickBooks: what a client sends is stored and answered with every digit,
//! including digits an `f64` would round (10^12 with 7 decimals would come back as 1000000000000.1234),
//! queries compare them by value, and what no decimal holds exactly is refused, not rounded.

mod common;

use common::{code, Company, US};
use serde_json::Value;

/// Posts JSON text as written: a `serde_json::Value` body would already have rounded the numbers.
async fn post_text(us: &Company, path: &str, body: &str) -> (u16, String) {
    let res = reqwest::Client::new()
        .post(us.url(path))
        .bearer_auth(&us.token)
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn invoice(price: &str, amount: &str) -> String {
    format!(
        r#"{{"CustomerRef":{{"value":"58"}},"Line":[{{"Amount":{amount},"DetailType":"SalesItemLineDetail",
            "SalesItemLineDetail":{{"ItemRef":{{"value":"1"}},"Qty":1,"UnitPrice":{price}}}}}]}}"#
    )
}

#[tokio::test]
async fn amounts_come_back_with_every_digit() {
    let us = Company::unthrottled(US).await;
    let (status, created) = post_text(
        &us,
        "invoice",
        &invoice("1000000000000.1234567", "1000000000000.12"),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert!(
        created.contains(r#""UnitPrice":1000000000000.1234567"#),
        "{created}"
    );
    let id = serde_json::from_str::<Value>(&created).unwrap()["Invoice"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let read = us.get(&format!("invoice/{id}")).await.text().await.unwrap();
    for text in [
        r#""UnitPrice":1000000000000.1234567"#,
        r#""TotalAmt":1000000000000.12"#,
        r#""Balance":1000000000000.12"#,
    ] {
        assert!(read.contains(text), "{text} in {read}");
    }

    let (_, found) = us
        .query("SELECT * FROM Invoice WHERE TotalAmt > '1000000000000.11'")
        .await;
    let ids: Vec<&str> = found["QueryResponse"]["Invoice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
}

#[tokio::test]
async fn a_number_no_decimal_holds_exactly_is_refused() {
    let us = Company::unthrottled(US).await;
    let (status, answer) = post_text(
        &us,
        "invoice",
        &invoice("0.12345678901234567890123456789", "0.12"),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        code(&serde_json::from_str(&answer).unwrap()),
        "2010",
        "{answer}"
    );
}

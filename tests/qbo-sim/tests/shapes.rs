//! Answers shaped like real QuickBooks answers (issue 10, item 15): `totalCount` in SELECT answers,
//! `domain`/`sparse`/`MetaData` on every record, ISO-3 address countries, `Lat: "INVALID"`, and a void that
//! keeps the note behind "Voided".

mod common;

use common::{sales_line, Company, CA, UK, US};
use serde_json::json;

const ENTITIES: &[&str] = &[
    "Customer",
    "Item",
    "Invoice",
    "Estimate",
    "SalesReceipt",
    "Payment",
    "Term",
    "TaxCode",
    "TaxRate",
    "Account",
];
const NAME_LISTS: &[&str] = &["Customer", "Item", "Term", "TaxCode", "TaxRate", "Account"];

#[tokio::test]
async fn select_answers_carry_their_counts() {
    let us = Company::unthrottled(US).await;
    let (status, body) = us.query("SELECT * FROM Invoice MAXRESULTS 2").await;
    assert_eq!(status, 200);
    let answer = &body["QueryResponse"];
    assert_eq!(answer["Invoice"].as_array().unwrap().len(), 2);
    assert_eq!(
        (
            &answer["startPosition"],
            &answer["maxResults"],
            &answer["totalCount"]
        ),
        (&json!(1), &json!(2), &json!(2)),
        "{body}"
    );
    let (_, body) = us.query("SELECT COUNT(*) FROM Invoice").await;
    assert_eq!(body["QueryResponse"], json!({ "totalCount": 6 }), "{body}");
    let (_, body) = us
        .query("SELECT * FROM Invoice WHERE DocNumber = 'none'")
        .await;
    assert_eq!(body["QueryResponse"], json!({}), "{body}");
}

#[tokio::test]
async fn every_record_has_domain_sparse_and_metadata() {
    for realm in [US, UK, CA] {
        let company = Company::unthrottled(realm).await;
        for entity in ENTITIES {
            let filter = if NAME_LISTS.contains(entity) {
                " WHERE Active IN (true, false)"
            } else {
                ""
            };
            let (status, body) = company
                .query(&format!("SELECT * FROM {entity}{filter} MAXRESULTS 1000"))
                .await;
            assert_eq!(status, 200, "{body}");
            for record in body["QueryResponse"][entity]
                .as_array()
                .into_iter()
                .flatten()
            {
                let id = &record["Id"];
                assert_eq!(record["domain"], "QBO", "{realm} {entity} {id}");
                assert_eq!(record["sparse"], false, "{realm} {entity} {id}");
                assert!(
                    record["MetaData"]["CreateTime"].is_string()
                        && record["MetaData"]["LastUpdatedTime"].is_string(),
                    "{realm} {entity} {id}"
                );
            }
        }
        let (_, info) = company.get_json(&format!("companyinfo/{realm}")).await;
        let info = &info["CompanyInfo"];
        assert_eq!(info["domain"], "QBO");
        let (country, address_country) = match realm {
            US => ("US", "USA"),
            UK => ("GB", "GBR"),
            _ => ("CA", "CAN"),
        };
        assert_eq!(info["Country"], country);
        assert_eq!(info["CompanyAddr"]["Country"], address_country);
    }
}

#[tokio::test]
async fn addresses_quickbooks_could_not_place_say_invalid() {
    let us = Company::unthrottled(US).await;
    let (_, body) = us.get_json("customer/58").await;
    assert_eq!(body["Customer"]["BillAddr"]["Lat"], "INVALID", "{body}");
    let (_, body) = us.get_json("customer/60").await;
    assert_eq!(body["Customer"]["BillAddr"]["Lat"], "37.4238562", "{body}");
}

#[tokio::test]
async fn a_void_puts_voided_before_the_note() {
    let us = Company::unthrottled(US).await;
    let mut invoice = json!({"CustomerRef": {"value": "58"}, "PrivateNote": "Deal 401",
                             "Line": [sales_line("1", 1.0, 10.0, 10.0, None)]});
    let (_, created) = us.post("invoice", invoice.clone()).await;
    let id = created["Invoice"]["Id"].as_str().unwrap();
    let (status, voided) = us
        .post(
            "invoice?operation=void",
            json!({"Id": id, "SyncToken": created["Invoice"]["SyncToken"]}),
        )
        .await;
    assert_eq!(status, 200, "{voided}");
    assert_eq!(voided["Invoice"]["PrivateNote"], "Voided - Deal 401");
    assert_eq!(voided["Invoice"]["TotalAmt"], 0);

    invoice.as_object_mut().unwrap().remove("PrivateNote");
    let (_, created) = us.post("invoice", invoice).await;
    let id = created["Invoice"]["Id"].as_str().unwrap();
    let (_, voided) = us
        .post(
            "invoice?operation=void",
            json!({"Id": id, "SyncToken": created["Invoice"]["SyncToken"]}),
        )
        .await;
    assert_eq!(voided["Invoice"]["PrivateNote"], "Voided");
}

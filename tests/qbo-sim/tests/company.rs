//! Reads of the company API, its envelopes and errors, over loopback HTTP (quickbooks-api.md §2, §7, §8).

mod common;

use common::{code, Company, UK, US};
use serde_json::Value;

#[tokio::test]
async fn company_info_and_preferences_come_in_their_envelopes() {
    let us = Company::start(US).await;
    let (status, info) = us
        .get_json(&format!("companyinfo/{US}?minorversion=75"))
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["CompanyInfo"]["Country"], "US");
    let time = info["time"].as_str().unwrap();
    assert!(
        time.starts_with("2026-11-22T09:00:") && time.ends_with("-08:00"),
        "the seeded clock, in the company's offset, with milliseconds: {time}"
    );
    let (_, prefs) = us.get_json("preferences").await;
    let prefs = &prefs["Preferences"];
    assert_eq!(prefs["CurrencyPrefs"]["HomeCurrency"]["value"], "USD");
    assert_eq!(prefs["SalesFormsPrefs"]["CustomTxnNumbers"], false);
    assert_eq!(prefs["TaxPrefs"]["PartnerTaxEnabled"], true);

    let uk = Company::start(UK).await;
    let (_, info) = uk.get_json(&format!("companyinfo/{UK}")).await;
    assert_eq!(info["CompanyInfo"]["Country"], "GB");
    assert!(info["time"].as_str().unwrap().ends_with("+00:00"));
    let (_, prefs) = uk.get_json("preferences").await;
    assert_eq!(
        prefs["Preferences"]["CurrencyPrefs"]["HomeCurrency"]["value"],
        "GBP"
    );
}

#[tokio::test]
async fn name_lists_read_by_id_with_string_ids() {
    let us = Company::start(US).await;
    for (path, field, want) in [
        ("term/3", "Name", "Net 30"),
        ("account/79", "Name", "Sales of Product Income"),
        ("customer/61", "DisplayName", "Initech (deleted)"),
        ("item/2", "Sku", "HW-WIDGET"),
        ("invoice/130", "DocNumber", "1001"),
        ("estimate/150", "TxnStatus", "Pending"),
        ("salesreceipt/151", "DocNumber", "1001"),
        ("payment/140", "Id", "140"),
    ] {
        let (status, body) = us.get_json(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let entity = body
            .as_object()
            .unwrap()
            .keys()
            .find(|k| *k != "time")
            .unwrap()
            .clone();
        assert_eq!(body[&entity][field], want, "{path}");
        assert!(body[&entity]["Id"].is_string(), "{path}: Ids are strings");
        assert!(
            body[&entity]["SyncToken"].is_string(),
            "{path}: so are SyncTokens"
        );
    }
    let uk = Company::start(UK).await;
    let (_, code_17) = uk.get_json("taxcode/17").await;
    assert_eq!(code_17["TaxCode"]["Name"], "Exempt");
    let (_, rate) = uk.get_json("taxrate/4").await;
    assert_eq!(rate["TaxRate"]["RateValue"], 20);
}

#[tokio::test]
async fn unknown_ids_entities_and_paths_are_errors_never_empty_successes() {
    let us = Company::start(US).await;
    let (status, body) = us.get_json("customer/99999").await;
    assert_eq!((status, code(&body)), (400, "610"));
    assert_eq!(body["Fault"]["type"], "ValidationFault");
    assert_eq!(body["Fault"]["Error"][0]["element"], "");
    assert!(body["time"].is_string());

    let (status, body) = us.get_json("widget/1").await;
    assert_eq!((status, code(&body)), (400, "500"));
    let (status, body) = us.post("term", serde_json::json!({"Name": "Net 60"})).await;
    assert_eq!(
        (status, code(&body)),
        (400, "500"),
        "terms are read-only here"
    );
    let (status, body) = us.get_json("reports/ProfitAndLoss").await;
    assert_eq!((status, code(&body)), (400, "500"));

    let outside = reqwest::get(format!("{}/v2/something", us.sim.base_url()))
        .await
        .unwrap();
    assert_eq!(outside.status(), 404);
    assert!(outside.headers().contains_key("intuit_tid"));
}

#[tokio::test]
async fn every_answer_carries_intuit_tid_and_minorversion_is_served_as_75() {
    let us = Company::start(US).await;
    let mut tids = Vec::new();
    for path in [
        "preferences",
        "preferences?minorversion=40",
        "preferences?minorversion=75",
        "customer/404",
    ] {
        let res = us.get(path).await;
        let tid = res.headers()["intuit_tid"].to_str().unwrap().to_string();
        assert!(res.status() == 200 || path == "customer/404", "{path}");
        tids.push(tid);
    }
    tids.dedup();
    assert_eq!(tids.len(), 4, "one transaction id per answer: {tids:?}");
}

#[tokio::test]
async fn the_company_api_needs_a_live_token_for_that_company() {
    let us = Company::start(US).await;
    let res = reqwest::get(us.url("preferences")).await.unwrap();
    assert_eq!(res.status(), 401, "no token");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fault"]["error"][0]["code"], "3200");
    assert_eq!(body["fault"]["type"], "AUTHENTICATION");
    assert!(body.get("Fault").is_none(), "lower-case keys");

    let res = reqwest::Client::new()
        .get(format!("{}/v3/company/{UK}/preferences", us.sim.base_url()))
        .bearer_auth(&us.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a US token on the UK company");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fault"]["error"][0]["code"], "3100");
}

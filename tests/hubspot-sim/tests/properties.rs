//! Properties and property groups (hubspot-api.md §5 Properties) and account details, over loopback HTTP.

mod common;

use common::{assert_error, Api};
use serde_json::json;

#[tokio::test]
async fn properties_need_their_group_a_valid_type_and_a_unique_name() {
    let api = Api::start().await;
    let prop = json!({"name": "qbo_invoice_number", "label": "Invoice number", "type": "string", "fieldType": "text", "groupName": "quickbooks"});
    assert_error(
        &api.call("POST", "/crm/v3/properties/deals", Some(prop.clone()))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    let group = json!({"name": "quickbooks", "label": "QuickBooks", "displayOrder": -1});
    let (status, created) = api
        .call(
            "POST",
            "/crm/v3/properties/deals/groups",
            Some(group.clone()),
        )
        .await;
    assert_eq!(
        (status, created["name"].as_str()),
        (201, Some("quickbooks"))
    );
    assert_error(
        &api.call("POST", "/crm/v3/properties/deals/groups", Some(group))
            .await,
        409,
        "OBJECT_ALREADY_EXISTS",
    );
    let (status, got) = api
        .call(
            "GET",
            "/crm/properties/2026-09/deals/groups/quickbooks",
            None,
        )
        .await;
    assert_eq!((status, got["label"].as_str()), (200, Some("QuickBooks")));
    let (status, defined) = api
        .call("POST", "/crm/v3/properties/deals", Some(prop.clone()))
        .await;
    assert_eq!(
        (status, defined["hasUniqueValue"].as_bool()),
        (201, Some(false))
    );
    assert_error(
        &api.call("POST", "/crm/v3/properties/deals", Some(prop))
            .await,
        409,
        "OBJECT_ALREADY_EXISTS",
    );
    let bad = json!({"name": "x", "label": "X", "type": "number", "fieldType": "text", "groupName": "quickbooks"});
    assert_error(
        &api.call("POST", "/crm/v3/properties/deals", Some(bad))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_error(
        &api.call(
            "POST",
            "/crm/v3/properties/widgets/groups",
            Some(json!({"name": "a", "label": "b"})),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    let (status, body) = api
        .call("GET", "/crm/v3/properties/deals/qbo_invoice_number", None)
        .await;
    assert_eq!(
        (status, body["groupName"].as_str()),
        (200, Some("quickbooks"))
    );
    assert_error(
        &api.call("GET", "/crm/v3/properties/deals/nope", None).await,
        404,
        "OBJECT_NOT_FOUND",
    );

    // Now deals take the property.
    let (status, _) = api
        .call(
            "PATCH",
            "/crm/v3/objects/deals/401",
            Some(json!({"properties": {"qbo_invoice_number": "1037"}})),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn lists_hold_hubspots_own_and_custom_properties_and_batches_work() {
    let api = Api::start().await;
    let (_, own) = api.call("GET", "/crm/v3/properties/quotes", None).await;
    let status = own["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hs_status")
        .unwrap()
        .clone();
    assert_eq!(status["hubspotDefined"], true);
    assert_eq!(status["type"], "enumeration");
    let options: Vec<&str> = status["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert!(options.contains(&"APPROVAL_NOT_NEEDED") && options.contains(&"DRAFT"));
    let (_, groups) = api
        .call("GET", "/crm/v3/properties/deals/groups", None)
        .await;
    assert_eq!(groups["results"][0]["name"], "dealinformation");

    api.call(
        "POST",
        "/crm/v3/properties/companies/groups",
        Some(json!({"name": "quickbooks", "label": "QuickBooks"})),
    )
    .await;
    let inputs = json!({"inputs": [
        {"name": "qbo_customer_id", "label": "QuickBooks customer", "type": "string", "fieldType": "text", "groupName": "quickbooks", "hasUniqueValue": true},
        {"name": "qbo_balance", "label": "Balance", "type": "number", "fieldType": "text", "groupName": "quickbooks"}]});
    let (status, body) = api
        .call(
            "POST",
            "/crm/properties/2026-03/companies/batch/create",
            Some(inputs),
        )
        .await;
    assert_eq!(status, 207, "one of two is invalid: {body}");
    assert_eq!(body["results"][0]["name"], "qbo_customer_id");
    assert_eq!(body["numErrors"], 1);
    let (status, read) = api
        .call(
            "POST",
            "/crm/v3/properties/companies/batch/read",
            Some(json!({"inputs": [{"name": "qbo_customer_id"}, {"name": "name"}]})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read["results"][0]["hasUniqueValue"], true);
    assert_eq!(read["results"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn writing_properties_needs_the_schema_scope() {
    let api = Api::start().await;
    let token = api
        .sim
        .issue_access_token_with(&["oauth", "crm.objects.deals.write"]);
    let group = json!({"name": "quickbooks", "label": "QuickBooks"});
    let denied = api
        .call_as(
            &token,
            "POST",
            "/crm/v3/properties/deals/groups",
            Some(group),
        )
        .await;
    assert_error(&denied, 403, "MISSING_SCOPES");
    assert_eq!(
        api.call_as(&token, "GET", "/crm/v3/properties/deals", None)
            .await
            .0,
        200,
        "reading takes any CRM scope"
    );
}

#[tokio::test]
async fn account_details_on_v3_and_date_versioned_paths() {
    let api = Api::start().await;
    for path in ["/account-info/v3/details", "/account-info/2026-09/details"] {
        let (status, body) = api.call("GET", path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["portalId"], 62515);
        assert_eq!(body["companyCurrency"], "USD");
        assert_eq!(body["timeZone"], "US/Eastern");
        assert_eq!(body["utcOffset"], "-05:00");
        assert_eq!(body["utcOffsetMilliseconds"], -18_000_000);
        for key in [
            "accountType",
            "additionalCurrencies",
            "uiDomain",
            "dataHostingLocation",
        ] {
            assert!(body.get(key).is_some(), "{key}");
        }
    }
    assert_error(
        &api.call("GET", "/account-info/v9/details", None).await,
        404,
        "OBJECT_NOT_FOUND",
    );
}

//! CRM objects, batch, search, associations, callbacks, introspect and the signed caller, over loopback HTTP.

use hubspot_sim::{ActionExecution, HubSpotCaller, HubSpotSim, Seed, CLIENT_ID, CLIENT_SECRET};
use serde_json::{json, Value};

struct Api {
    base: String,
    token: String,
}

impl Api {
    async fn new(sim: &HubSpotSim) -> Self {
        Self {
            base: sim.base_url(),
            token: sim.issue_access_token(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = reqwest::Client::new()
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    }
}

#[tokio::test]
async fn objects_on_v3_and_date_versioned_paths() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let api = Api::new(&sim).await;
    for path in [
        "/crm/v3/objects/deals/401",
        "/crm/objects/2026-03/deals/401",
        "/crm/objects/2026-09/deals/401",
    ] {
        let (status, deal) = api
            .call(
                "GET",
                &format!("{path}?properties=dealname,amount&associations=contacts,line_items"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{path}: {deal}");
        assert_eq!(deal["properties"]["dealname"], "Acme consulting");
        assert_eq!(deal["properties"]["amount"], "402", "values are strings");
        assert_eq!(
            deal["associations"]["line_items"]["results"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(deal["associations"]["contacts"]["results"][0]["id"], "201");
    }
    assert_eq!(
        api.call("GET", "/crm/objects/2024-01/deals/401", None)
            .await
            .0,
        404
    );
    let (status, body) = api.call("GET", "/crm/v3/objects/deals/999", None).await;
    assert_eq!(
        (status, body["category"].as_str()),
        (404, Some("OBJECT_NOT_FOUND"))
    );

    let (status, created) = api
        .call(
            "POST",
            "/crm/v3/objects/contacts",
            Some(json!({"properties": {"email": "x@y.test", "firstname": "X"}})),
        )
        .await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap().to_string();
    let (status, updated) = api
        .call(
            "PATCH",
            &format!("/crm/v3/objects/contacts/{id}"),
            Some(json!({"properties": {"lastname": "Y"}})),
        )
        .await;
    assert_eq!(
        (status, updated["properties"]["lastname"].as_str()),
        (200, Some("Y"))
    );
    assert_eq!(
        api.call("DELETE", &format!("/crm/v3/objects/contacts/{id}"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        api.call("GET", &format!("/crm/v3/objects/contacts/{id}"), None)
            .await
            .0,
        404
    );

    // Paging with `after`.
    let (_, page1) = api
        .call("GET", "/crm/v3/objects/line_items?limit=4", None)
        .await;
    assert_eq!(page1["results"].as_array().unwrap().len(), 4);
    let after = page1["paging"]["next"]["after"].as_str().unwrap();
    let (_, page2) = api
        .call(
            "GET",
            &format!("/crm/v3/objects/line_items?limit=4&after={after}"),
            None,
        )
        .await;
    assert_eq!(page2["results"].as_array().unwrap().len(), 2);
    assert!(page2.get("paging").is_none());
}

#[tokio::test]
async fn batch_limits_and_upsert_by_a_unique_property() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let api = Api::new(&sim).await;
    let too_many: Vec<Value> = (0..101).map(|i| json!({"id": i.to_string()})).collect();
    let (status, body) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/read",
            Some(json!({"inputs": too_many})),
        )
        .await;
    assert_eq!(
        (status, body["category"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
    let (status, body) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/read",
            Some(json!({"inputs": [{"id": "401"}, {"id": "402"}], "properties": ["dealname"]})),
        )
        .await;
    assert_eq!(
        (status, body["results"].as_array().unwrap().len()),
        (200, 2)
    );

    api.call(
        "POST",
        "/crm/v3/properties/invoices/groups",
        Some(json!({"name": "quickbooks", "label": "QuickBooks"})),
    )
    .await;
    let unique = json!({"name": "qbo_invoice_id", "label": "QuickBooks id", "type": "string", "fieldType": "text", "groupName": "quickbooks", "hasUniqueValue": true});
    assert_eq!(
        api.call("POST", "/crm/v3/properties/invoices", Some(unique))
            .await
            .0,
        201
    );
    let upsert = |amount: &str| json!({"inputs": [{"idProperty": "qbo_invoice_id", "id": "9130-130", "properties": {"hs_currency": "USD", "amount": amount}}]});
    let (status, first) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/upsert",
            Some(upsert("750")),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let (_, second) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices/batch/upsert",
            Some(upsert("250")),
        )
        .await;
    assert_eq!(
        first["results"][0]["id"], second["results"][0]["id"],
        "the same record, updated"
    );
    assert_eq!(second["results"][0]["properties"]["amount"], "250");
    let (status, _) = api
        .call(
            "POST",
            "/crm/v3/objects/invoices",
            Some(json!({"properties": {"qbo_invoice_id": "9130-130"}})),
        )
        .await;
    assert_eq!(status, 409, "unique values are enforced");
    let (status, _) = api
        .call(
            "POST",
            "/crm/v3/objects/deals/batch/upsert",
            Some(json!({"inputs": [{"idProperty": "dealname", "id": "x", "properties": {}}]})),
        )
        .await;
    assert_eq!(status, 400, "upsert needs a unique property");
}

#[tokio::test]
async fn search_filters_sorts_pages_and_is_limited() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let api = Api::new(&sim).await;
    let q = json!({"filterGroups": [{"filters": [{"propertyName": "hs_sku", "operator": "EQ", "value": "svc-consult"}]}], "sorts": [{"propertyName": "quantity", "direction": "DESCENDING"}], "properties": ["quantity"], "limit": 2});
    let (status, body) = api
        .call("POST", "/crm/v3/objects/line_items/search", Some(q))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 4);
    assert_eq!(body["results"][0]["properties"]["quantity"], "3");
    assert_eq!(body["paging"]["next"]["after"], "2");
    let either = json!({"filterGroups": [
        {"filters": [{"propertyName": "email", "operator": "EQ", "value": "hank@globex.example"}]},
        {"filters": [{"propertyName": "firstname", "operator": "EQ", "value": "Ada"}, {"propertyName": "lastname", "operator": "EQ", "value": "Lovelace"}]}
    ]});
    assert_eq!(
        api.call("POST", "/crm/v3/objects/contacts/search", Some(either))
            .await
            .1["total"],
        2
    );
    assert_eq!(
        api.call(
            "POST",
            "/crm/v3/objects/contacts/search",
            Some(json!({"limit": 201}))
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.call(
            "POST",
            "/crm/v3/objects/contacts/search",
            Some(json!({"limit": 100, "after": "9950"}))
        )
        .await
        .0,
        400
    );
    let bad_op = json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "SOUNDS_LIKE", "value": "x"}]}]});
    assert_eq!(
        api.call("POST", "/crm/v3/objects/contacts/search", Some(bad_op))
            .await
            .0,
        400
    );
    // Five searches a second.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            api.call("POST", "/crm/v3/objects/deals/search", Some(json!({})))
                .await
                .0,
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn associations_v4_with_documented_type_ids() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let api = Api::new(&sim).await;
    let (_, body) = api
        .call(
            "GET",
            "/crm/v4/objects/deals/401/associations/contacts",
            None,
        )
        .await;
    assert_eq!(body["results"][0]["toObjectId"], 201);
    assert_eq!(body["results"][0]["associationTypes"][0]["typeId"], 3);
    let (_, body) = api
        .call(
            "GET",
            "/crm/v4/objects/contacts/201/associations/deals",
            None,
        )
        .await;
    assert_eq!(
        body["results"][0]["associationTypes"][0]["typeId"], 4,
        "the reverse exists"
    );
    let (status, _) = api
        .call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/default/companies/102",
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = api
        .call(
            "GET",
            "/crm/v4/objects/deals/403/associations/companies",
            None,
        )
        .await;
    assert_eq!(body["results"][0]["associationTypes"][0]["typeId"], 341);
    let labelled = json!([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]);
    api.call(
        "PUT",
        "/crm/v4/objects/deals/403/associations/companies/101",
        Some(labelled),
    )
    .await;
    let (_, body) = api
        .call(
            "POST",
            "/crm/v4/associations/deals/companies/batch/read",
            Some(json!({"inputs": [{"id": "403"}]})),
        )
        .await;
    let types: Vec<i64> = body["results"][0]["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["associationTypes"][0]["typeId"].as_i64().unwrap())
        .collect();
    assert_eq!(types, [341, 5]);
    assert_eq!(
        api.call(
            "PUT",
            "/crm/v4/objects/deals/403/associations/default/companies/999",
            None
        )
        .await
        .0,
        404
    );
    let batch = json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "601"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 63}]}]});
    assert_eq!(
        api.call(
            "POST",
            "/crm/v4/associations/deals/quotes/batch/create",
            Some(batch)
        )
        .await
        .0,
        201
    );
    let (_, body) = api
        .call("GET", "/crm/v4/objects/quotes/601/associations/deals", None)
        .await;
    let deals: Vec<i64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["toObjectId"].as_i64().unwrap())
        .collect();
    assert_eq!(
        deals,
        [401, 402],
        "the reverse of a batch-created association exists too"
    );
    let missing = json!({"inputs": [{"from": {"id": "402"}, "to": {"id": "999"}}]});
    assert_eq!(
        api.call(
            "POST",
            "/crm/v4/associations/deals/quotes/batch/create",
            Some(missing)
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn callbacks_are_recorded_and_introspect_accepts_both_field_names() {
    let sim = HubSpotSim::start(Seed::demo()).await.unwrap();
    let api = Api::new(&sim).await;
    let done = json!({"outputFields": {"hs_execution_state": "SUCCESS", "qbo_document_id": "130"}, "typedOutputs": {}});
    assert_eq!(
        api.call(
            "POST",
            "/automation/v4/actions/callbacks/ap-1-2-3/complete",
            Some(done)
        )
        .await
        .0,
        204
    );
    assert_eq!(
        api.call(
            "POST",
            "/automation/v4/actions/callbacks/ap-1-2-4/complete",
            Some(json!({}))
        )
        .await
        .0,
        400
    );
    let recorded = sim.with_state(|s| s.callbacks.clone());
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["callbackId"], "ap-1-2-3");

    for field in ["token", "access_token"] {
        let res: Value = reqwest::Client::new()
            .post(format!("{}/oauth/v3/token/introspect", sim.base_url()))
            .form(&[
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                (field, api.token.as_str()),
                ("token_type_hint", "access_token"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (res["active"].as_bool(), res["hub_id"].as_u64()),
            (Some(true), Some(62515)),
            "{field}: {res}"
        );
    }
}

/// A server that fails the first `fail` requests with 503, then answers 200 echoing what it received.
async fn flaky_server(
    fail: usize,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>,
) {
    use axum::extract::Request;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let log = log.clone();
        async move {
            let uri = req.uri().to_string();
            let headers: Value = req
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or(""))))
                .collect::<serde_json::Map<_, _>>()
                .into();
            let n = {
                let mut log = log.lock().unwrap();
                log.push((uri, headers));
                log.len()
            };
            if n <= fail {
                (axum::http::StatusCode::SERVICE_UNAVAILABLE, "busy").into_response()
            } else {
                axum::Json(json!({"outputFields": {"hs_execution_state": "SUCCESS"}}))
                    .into_response()
            }
        }
    });
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn the_caller_signs_appends_hubspot_params_and_retries_like_hubspot() {
    let caller = HubSpotCaller::new(CLIENT_SECRET, 62515);
    let (url, seen) = flaky_server(1).await;
    let sent = caller
        .fetch("GET", &format!("{url}/card/companies"), None)
        .await
        .unwrap();
    assert_eq!(
        (sent.status, sent.attempts),
        (200, 2),
        "hubspot.fetch retries once on a 5xx"
    );
    let (uri, headers) = seen.lock().unwrap()[1].clone();
    assert!(
        uri.contains("userId=7")
            && uri.contains("portalId=62515")
            && uri.contains("userEmail=jane%40example.com")
            && uri.contains("appId=54321"),
        "{uri}"
    );
    let ts = headers["x-hubspot-request-timestamp"].as_str().unwrap();
    let expected =
        hubspot_sim::caller_signature(CLIENT_SECRET, "GET", &format!("{url}{uri}"), "", ts);
    assert_eq!(headers["x-hubspot-signature-v3"], expected);

    let (url, seen) = flaky_server(3).await;
    let execution = ActionExecution::new(62515, "DEAL", 401, json!({"company": "9130"}));
    let sent = caller
        .execute(&format!("{url}/actions/create-invoice"), &execution)
        .await
        .unwrap();
    assert_eq!(
        (sent.status, sent.attempts),
        (200, 4),
        "workflow executions are retried on 5xx"
    );
    assert_eq!(seen.lock().unwrap().len(), 4);
    let (url, _) = flaky_server(10).await;
    let sent = caller
        .execute(&format!("{url}/actions/create-invoice"), &execution)
        .await
        .unwrap();
    assert_eq!(
        (sent.status, sent.attempts),
        (503, 4),
        "retries are bounded"
    );
}

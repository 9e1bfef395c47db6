//! The workflow actions end to end (W1–W8): the HubSpot simulator's caller signs and delivers executions
//! over loopback HTTP to the real handler, which works against moto and both simulators.

use hubspot_sim::ActionExecution;
use serde_json::{json, Value};
use shared::settings::{Settings, UnmatchedItem};
use test_support::world::{PORTAL, UK, US};

mod common;

use common::{stage, Stage};

impl Stage {
    fn count(&self, realm: &str, entity: &str) -> usize {
        self.w.qbo_entities(realm, entity).len()
    }

    async fn settings(&self, settings: Settings) {
        settings
            .save(&self.w.app.store, PORTAL)
            .await
            .expect("settings");
    }
}

fn execution(object_type: &str, id: u64, inputs: Value) -> ActionExecution {
    ActionExecution::new(PORTAL, object_type, id, inputs)
}

fn outputs(body: &Value) -> &Value {
    &body["outputFields"]
}

#[tokio::test]
async fn creates_each_document_type_for_the_us_company() {
    let s = stage(6).await;
    let invoices = s.count(US, "Invoice");
    let (status, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 401, json!({ "realmId": US, "daysUntilDue": "14" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let out = outputs(&body);
    assert_eq!(out["hs_execution_state"], "SUCCESS", "{body}");
    assert_eq!(s.count(US, "Invoice"), invoices + 1);
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    assert_eq!(out["documentId"], invoice["Id"]);
    assert_eq!(out["documentNumber"], invoice["DocNumber"]);
    assert!(out["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("txnId={}", invoice["Id"].as_str().unwrap())));
    assert_eq!(
        invoice["CustomerRef"]["value"], "58",
        "matched by the contact's e-mail"
    );
    assert_eq!(
        invoice["DueDate"], "2026-12-06",
        "14 days after QuickBooks' today"
    );
    let props =
        s.w.hubspot_record("deals", "401", &["qbo_invoice_id"])
            .await;
    assert_eq!(props["qbo_invoice_id"], invoice["Id"]);
    for (action, entity) in [("estimate", "Estimate"), ("sales-receipt", "SalesReceipt")] {
        let before = s.count(US, entity);
        let (status, body) = s
            .deliver(action, &execution("DEAL", 401, json!({ "realmId": US })))
            .await;
        assert_eq!(
            (status, outputs(&body)["hs_execution_state"].as_str()),
            (200, Some("SUCCESS")),
            "{body}"
        );
        assert_eq!(s.count(US, entity), before + 1);
    }
}

#[tokio::test]
async fn uk_lines_take_the_chosen_tax_code_or_fail_clearly() {
    let s = stage(6).await;
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 401, json!({ "realmId": UK })))
        .await;
    assert_eq!(
        outputs(&body)["hs_execution_state"],
        "FAIL_CONTINUE",
        "{body}"
    );
    assert_eq!(outputs(&body)["errorCode"], "TAX_CODE_REQUIRED");
    assert_eq!(s.count(UK, "Invoice"), 0);
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 401, json!({ "realmId": UK, "taxCodeId": "2" })),
        )
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let invoice = s.w.qbo_entities(UK, "Invoice").last().unwrap().clone();
    assert_eq!(
        invoice["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"]["value"],
        "2"
    );
    assert_eq!(invoice["CurrencyRef"]["value"], "GBP");
    // A GBP invoice leaves a USD account's deal alone (I12).
    let props =
        s.w.hubspot_record("deals", "401", &["qbo_invoice_id"])
            .await;
    assert!(props["qbo_invoice_id"].is_null(), "{props}");
}

#[tokio::test]
async fn unmatched_items_fail_unless_a_default_item_is_set() {
    let s = stage(6).await;
    let before = s.count(US, "Invoice");
    let run = execution("DEAL", 402, json!({ "realmId": US }));
    let (_, first) = s.deliver("invoice", &run).await;
    assert_eq!(outputs(&first)["errorCode"], "ITEM_NOT_MATCHED", "{first}");
    assert!(outputs(&first)["errorMessage"]
        .as_str()
        .unwrap()
        .contains("Mystery box"));
    assert_eq!(s.count(US, "Invoice"), before, "nothing created");
    // The failure is final for that execution: a redelivery answers the same, even after the setting changes.
    s.settings(Settings {
        unmatched_item: UnmatchedItem::DefaultItem,
        default_items: [(US.parse().unwrap(), "3".parse().unwrap())].into(),
        ..Settings::default()
    })
    .await;
    let (_, again) = s.deliver("invoice", &run).await;
    assert_eq!(again, first);
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 402, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    let items: Vec<&str> = invoice["Line"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["SalesItemLineDetail"]["ItemRef"]["value"].as_str())
        .collect();
    assert!(
        items.contains(&"3"),
        "the default item stands in: {items:?}"
    );
}

fn create_items_for(realm: &str, account: &str) -> Settings {
    Settings {
        unmatched_item: UnmatchedItem::CreateItem,
        income_accounts: [(realm.parse().unwrap(), account.parse().unwrap())].into(),
        ..Settings::default()
    }
}

/// The QuickBooks items named `name` in the US company.
fn items_named(s: &Stage, name: &str) -> Vec<Value> {
    s.w.qbo_entities(US, "Item")
        .into_iter()
        .filter(|i| i["Name"] == name)
        .collect()
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
async fn an_unmatched_product_becomes_a_quickbooks_item_once_when_the_settings_say_so() {
    let s = stage(6).await;
    // Off (the default): the old behaviour, nothing created.
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 402, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["errorCode"], "ITEM_NOT_MATCHED", "{body}");
    assert!(items_named(&s, "Mystery box").is_empty());
    // On, but no income account for this company: a clear refusal, nothing created.
    s.settings(create_items_for(UK, "40")).await;
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 402, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["errorCode"], "ITEM_NOT_MATCHED", "{body}");
    assert!(outputs(&body)["errorMessage"]
        .as_str()
        .unwrap()
        .contains("income account"));
    assert!(items_named(&s, "Mystery box").is_empty());

    s.settings(create_items_for(US, "79")).await;
    let invoices = s.count(US, "Invoice");
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 402, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let created = items_named(&s, "Mystery box");
    assert_eq!(created.len(), 1, "{created:?}");
    let item = &created[0];
    assert_eq!(item["Sku"], "NO-MATCH-1");
    assert_eq!(item["UnitPrice"], 99.0);
    assert_eq!(item["Type"], "Service");
    assert_eq!(item["IncomeAccountRef"]["value"], "79");
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    assert!(item_ids(&invoice).contains(&item["Id"].as_str().unwrap().to_string()));
    // The next execution finds the item by its SKU and creates nothing more.
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 402, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    assert_eq!(items_named(&s, "Mystery box").len(), 1);
    assert_eq!(s.count(US, "Invoice"), invoices + 2);
}

#[tokio::test]
async fn two_executions_racing_for_the_same_new_product_create_one_item() {
    let s = stage(6).await;
    s.settings(create_items_for(US, "1")).await;
    // Both executions must miss the item: the first item create is slow, so the other execution reads the
    // items, finds none and creates it meanwhile; the slow one then meets 6240. No rate limits in the way.
    s.w.qbo.with_state(|sim| sim.limits.enabled = false);
    s.w.control(&s.w.qbo.base_url(), "/_sim/faults", json!({
        "path_contains": "/item", "method": "POST", "count": 1, "delay_ms": 1500, "kind": { "type": "slow" },
    }))
    .await;
    let (a, b) = (
        execution("DEAL", 402, json!({ "realmId": US })),
        execution("DEAL", 402, json!({ "realmId": US })),
    );
    let ((_, first), (_, second)) =
        tokio::join!(s.deliver("invoice", &a), s.deliver("invoice", &b));
    for body in [&first, &second] {
        assert_eq!(outputs(body)["hs_execution_state"], "SUCCESS", "{body}");
    }
    let posts =
        s.w.qbo
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/item"))
            .count();
    assert_eq!(
        posts, 2,
        "both executions missed the item and raced to create it"
    );
    let created = items_named(&s, "Mystery box");
    assert_eq!(
        created.len(),
        1,
        "the loser got 6240 and took the winner's item"
    );
    let id = created[0]["Id"].as_str().unwrap().to_string();
    let invoices = s.w.qbo_entities(US, "Invoice");
    for out in [outputs(&first), outputs(&second)] {
        let invoice = invoices
            .iter()
            .find(|i| i["Id"] == out["documentId"])
            .expect("the invoice");
        assert!(item_ids(invoice).contains(&id), "{invoice}");
    }
}

#[tokio::test]
async fn a_new_customer_is_created_unless_the_setting_forbids_it() {
    let s = stage(6).await;
    s.settings(Settings {
        create_customers: false,
        ..Settings::default()
    })
    .await;
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 403, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["errorCode"], "CUSTOMER_NOT_FOUND", "{body}");
    s.settings(Settings::default()).await;
    let customers = s.count(US, "Customer");
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 403, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    assert_eq!(s.count(US, "Customer"), customers + 1);
    let created = s.w.qbo_entities(US, "Customer").last().unwrap().clone();
    assert_eq!(created["DisplayName"], "New Customer");
    assert_eq!(
        created["PrimaryEmailAddr"]["Address"],
        "new.customer@example.com"
    );
}

#[tokio::test]
async fn a_paid_invoice_when_the_deal_has_a_payment() {
    let s = stage(6).await;
    s.w.hubspot_create("commerce_payments", json!({
        "properties": { "hs_initial_amount": "150", "hs_latest_status": "succeeded" },
        "associations": [{ "to": { "id": "403" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 391 }] }],
    }))
    .await;
    let payments = s.count(US, "Payment");
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 403, json!({ "realmId": US, "createPaid": "true" })),
        )
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    assert_eq!(s.count(US, "Payment"), payments + 1);
    let id = outputs(&body)["documentId"].as_str().unwrap().to_string();
    let invoice =
        s.w.qbo_entities(US, "Invoice")
            .into_iter()
            .find(|i| i["Id"] == id.as_str())
            .unwrap();
    assert_eq!(invoice["Balance"].as_f64(), Some(0.0), "{invoice}");
    assert!(invoice["LinkedTxn"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["TxnType"] == "Payment"));
    // A deal with taxable lines (the Widget) cannot take a paid invoice.
    s.w.hubspot_create("commerce_payments", json!({
        "properties": { "hs_initial_amount": "402", "hs_latest_status": "succeeded" },
        "associations": [{ "to": { "id": "401" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 391 }] }],
    }))
    .await;
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 401, json!({ "realmId": US, "createPaid": "true" })),
        )
        .await;
    assert_eq!(
        outputs(&body)["errorCode"],
        "PAID_INVOICE_TAXABLE",
        "{body}"
    );
}

#[tokio::test]
async fn a_quote_based_workflow_invoices_the_quote_and_shows_on_its_deal() {
    let s = stage(6).await;
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("QUOTE", 601, json!({ "realmId": US })),
        )
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let props =
        s.w.hubspot_record("deals", "401", &["qbo_invoice_id"])
            .await;
    assert_eq!(props["qbo_invoice_id"], outputs(&body)["documentId"]);
}

async fn many_deliveries_make_one_document(s: &Stage, run: &ActionExecution) {
    let before = s.count(US, "Invoice");
    let mut all = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let caller = s.caller.clone();
        let url = format!("{}/actions/invoice", s.served.url);
        let run = run.clone();
        all.spawn(async move { caller.execute(&url, &run).await.expect("delivered") });
    }
    let mut answers = Vec::new();
    while let Some(sent) = all.join_next().await {
        let sent = sent.expect("task");
        assert_eq!(sent.status, 200, "{}", sent.body);
        answers.push(sent.json());
    }
    for _ in 0..10 {
        answers.push(s.deliver("invoice", run).await.1);
    }
    assert_eq!(s.count(US, "Invoice"), before + 1, "exactly one document");
    let first = &answers[0];
    assert_eq!(outputs(first)["hs_execution_state"], "SUCCESS", "{first}");
    assert!(
        answers.iter().all(|a| a == first),
        "every delivery gets the same outputs"
    );
}

#[tokio::test]
async fn fifty_concurrent_deliveries_and_ten_retries_create_one_document() {
    let s = stage(6).await;
    many_deliveries_make_one_document(&s, &execution("DEAL", 401, json!({ "realmId": US }))).await;
}

#[tokio::test]
async fn a_lost_answer_between_the_create_and_our_bookkeeping_is_still_one_document() {
    let s = stage(6).await;
    // QuickBooks creates the invoice but its answer arrives cut in half: our side cannot record it.
    s.w.control(&s.w.qbo.base_url(), "/_sim/faults", json!({
        "path_contains": "/invoice", "method": "POST", "count": 1, "kind": { "type": "truncated" },
    }))
    .await;
    many_deliveries_make_one_document(&s, &execution("DEAL", 401, json!({ "realmId": US }))).await;
    let creates: Vec<_> =
        s.w.qbo
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/invoice"))
            .collect();
    assert!(creates.len() >= 2, "the lost answer made us ask again");
    assert!(
        creates.iter().all(|r| r.query == creates[0].query),
        "with the same requestid"
    );
    // And HubSpot failing the deal update after the create: retried, still one document.
    s.w.control(&s.w.hubspot.base_url(), "/_sim/faults", json!({
        "path_contains": "/crm/v3/objects/deals/401", "method": "PATCH", "count": 1,
        "kind": { "type": "status", "status": 500, "body": "{\"status\":\"error\",\"message\":\"boom\",\"category\":\"INTERNAL_ERROR\"}" },
    }))
    .await;
    many_deliveries_make_one_document(&s, &execution("DEAL", 401, json!({ "realmId": US }))).await;
}

fn association(to: &str, types: &[u32]) -> Value {
    let types: Vec<Value> = types
        .iter()
        .map(|t| json!({ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": t }))
        .collect();
    json!({ "to": { "id": to }, "types": types })
}

#[tokio::test]
async fn lines_follow_their_position_and_the_customer_is_the_deals_primary_company() {
    let s = stage(6).await;
    let contact =
        s.w.hubspot_create(
            "contacts",
            json!({ "properties": {
        "firstname": "Pat", "lastname": "Primary", "email": "pat.primary@example.com" } }),
        )
        .await;
    // The primary company is the older one: HubSpot's association order says nothing about which is primary.
    let primary =
        s.w.hubspot_create(
            "companies",
            json!({ "properties": { "name": "Alpha Primary Co" } }),
        )
        .await;
    let other =
        s.w.hubspot_create(
            "companies",
            json!({ "properties": { "name": "Zeta Other Co" } }),
        )
        .await;
    let deal = s.w.hubspot_create("deals", json!({
        "properties": { "dealname": "Ordered" },
        "associations": [association(&contact, &[3]), association(&primary, &[341, 5]), association(&other, &[341])],
    }))
    .await;
    // Made in another order than they show: positions 1, 0, none.
    for (description, position) in [
        ("shown second", Some("1")),
        ("shown first", Some("0")),
        ("shown last", None),
    ] {
        let mut properties = json!({ "name": "Consulting hours", "hs_sku": "SVC-CONSULT",
            "quantity": "1", "price": "100", "description": description });
        if let Some(p) = position {
            properties["hs_position_on_quote"] = json!(p);
        }
        s.w.hubspot_create(
            "line_items",
            json!({ "properties": properties, "associations": [association(&deal, &[20])] }),
        )
        .await;
    }
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", deal.parse().unwrap(), json!({ "realmId": US })),
        )
        .await;
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    let descriptions: Vec<&str> = invoice["Line"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["DetailType"] == "SalesItemLineDetail")
        .map(|l| l["Description"].as_str().unwrap())
        .collect();
    assert_eq!(descriptions, ["shown first", "shown second", "shown last"]);
    let customer = s.w.qbo_entities(US, "Customer").last().unwrap().clone();
    assert_eq!(
        customer["PrimaryEmailAddr"]["Address"],
        "pat.primary@example.com"
    );
    assert_eq!(customer["CompanyName"], "Alpha Primary Co", "{customer}");
    assert_eq!(invoice["CustomerRef"]["value"], customer["Id"]);
}

/// HubSpot answers the next `count` calls about line items with `status` (a fault of the simulator).
async fn hubspot_fails(s: &Stage, status: u16, count: u32, body: Value) {
    s.w.control(
        &s.w.hubspot.base_url(),
        "/_sim/faults",
        json!({
            "path_contains": "line_items", "count": count,
            "kind": { "type": "status", "status": status, "body": body.to_string() },
        }),
    )
    .await;
}

#[tokio::test]
async fn a_final_hubspot_refusal_fails_the_action_with_a_code_at_once() {
    let s = stage(6).await;
    let before = s.count(US, "Invoice");
    let cases = [
        (403, "MISSING_SCOPES", "HUBSPOT_ACCESS_DENIED"),
        (401, "INVALID_AUTHENTICATION", "HUBSPOT_ACCESS_DENIED"),
        (404, "OBJECT_NOT_FOUND", "HUBSPOT_RECORD_NOT_FOUND"),
        (400, "VALIDATION_ERROR", "HUBSPOT_REJECTED"),
    ];
    for (status, category, code) in cases {
        hubspot_fails(&s, status, 1, json!({
            "status": "error", "message": "upstream-detail-42", "category": category, "correlationId": "c-1",
        }))
        .await;
        let run = execution("DEAL", 401, json!({ "realmId": US }));
        let sent = s
            .caller
            .execute(&format!("{}/actions/invoice", s.served.url), &run)
            .await
            .expect("delivered");
        let body = sent.json();
        assert_eq!(
            (sent.status, sent.attempts),
            (200, 1),
            "HubSpot {status}: answered once, not retried for days: {body}"
        );
        assert_eq!(
            outputs(&body)["hs_execution_state"],
            "FAIL_CONTINUE",
            "{body}"
        );
        assert_eq!(outputs(&body)["errorCode"], code, "{body}");
        let message = outputs(&body)["errorMessage"].as_str().unwrap();
        assert!(message.contains("HubSpot"), "{message}");
        assert!(
            !message.contains("upstream-detail-42"),
            "HubSpot's own text is logged, not shown: {message}"
        );
        // The refusal is the execution's answer: a redelivery gets it again without calling anyone.
        let again = s.deliver("invoice", &run).await.1;
        assert_eq!(again, body);
    }
    assert_eq!(s.count(US, "Invoice"), before, "nothing was created");
}

#[tokio::test]
async fn hubspot_tokens_gone_fail_as_access_denied_not_as_an_unknown_company() {
    let s = stage(0).await;
    let grant = shared::tokens::Grant::HubSpot { portal_id: PORTAL };
    s.w.h
        .vault
        .delete(&grant.secret_id())
        .await
        .expect("deleted");
    let invoices = s.count(US, "Invoice");
    let (status, body) = s
        .deliver("invoice", &execution("DEAL", 401, json!({ "realmId": US })))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        outputs(&body)["errorCode"],
        "HUBSPOT_ACCESS_DENIED",
        "{body}"
    );
    assert!(
        outputs(&body)["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("no authorization for this HubSpot account")),
        "{body}"
    );
    assert_eq!(s.count(US, "Invoice"), invoices);
}

#[tokio::test]
async fn hubspot_failing_for_a_while_is_retried_until_it_works() {
    let s = stage(6).await;
    let throttled = json!({
        "status": "error", "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT", "correlationId": "c-2", "policyName": "TEN_SECONDLY_ROLLING",
    });
    let failing = json!({ "status": "error", "message": "boom", "category": "INTERNAL_ERROR", "correlationId": "c-3" });
    for (status, body) in [(500, failing.clone()), (502, failing), (429, throttled)] {
        let before = s.count(US, "Invoice");
        // More failures than one delivery's own retries: the delivery answers 503 and HubSpot redelivers.
        hubspot_fails(&s, status, 4, body).await;
        let sent = s
            .caller
            .execute(
                &format!("{}/actions/invoice", s.served.url),
                &execution("DEAL", 401, json!({ "realmId": US })),
            )
            .await
            .expect("delivered");
        let body = sent.json();
        assert!(
            sent.attempts >= 2,
            "HubSpot {status} was answered 503 first: {body}"
        );
        assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
        assert_eq!(s.count(US, "Invoice"), before + 1);
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer() {
    let s = stage(6).await;
    let url = format!("{}/actions/invoice", s.served.url);
    let mut forged = s.caller.clone();
    forged.client_secret = "not-the-app-secret".into();
    let sent = forged
        .execute(&url, &execution("DEAL", 401, json!({ "realmId": US })))
        .await
        .unwrap();
    assert_eq!(sent.status, 401, "{}", sent.body);
    let mut stranger = s.caller.clone();
    stranger.portal_id = 999;
    let sent = stranger
        .execute(
            &url,
            &ActionExecution::new(999, "DEAL", 401, json!({ "realmId": US })),
        )
        .await
        .unwrap();
    assert_eq!(sent.status, 404, "{}", sent.body);
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 401, json!({ "realmId": "12345" })),
        )
        .await;
    assert_eq!(outputs(&body)["errorCode"], "UNKNOWN_COMPANY", "{body}");
    let (status, body) = s
        .deliver(
            "invoice",
            &execution("CONTACT", 201, json!({ "realmId": US })),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    // A deal without line items, then one with a line item but no contact.
    let bare =
        s.w.hubspot_create("deals", json!({ "properties": { "dealname": "Bare" } }))
            .await;
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", bare.parse().unwrap(), json!({ "realmId": US })),
        )
        .await;
    assert_eq!(outputs(&body)["errorCode"], "NO_LINE_ITEMS", "{body}");
    s.w.hubspot_create("line_items", json!({
        "properties": { "name": "Consulting hours", "hs_sku": "SVC-CONSULT", "quantity": "1", "price": "150" },
        "associations": [{ "to": { "id": bare }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20 }] }],
    }))
    .await;
    let (_, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", bare.parse().unwrap(), json!({ "realmId": US })),
        )
        .await;
    assert_eq!(outputs(&body)["errorCode"], "NO_CONTACT", "{body}");
    // A company whose authorization died.
    let key = shared::store::keys::connection(PORTAL.into(), &US.parse().unwrap());
    let mut connection: shared::connections::Connection =
        s.w.app.store.get(&key, 0).await.unwrap().unwrap();
    connection.status = shared::connections::Status::ReconnectNeeded;
    connection.save(&s.w.app.store, 0).await.unwrap();
    let (_, body) = s
        .deliver("invoice", &execution("DEAL", 401, json!({ "realmId": US })))
        .await;
    assert_eq!(outputs(&body)["errorCode"], "RECONNECT_NEEDED", "{body}");
    for malformed in [
        json!({ "origin": { "portalId": PORTAL } }),
        json!({ "callbackId": 7, "origin": { "portalId": PORTAL }, "object": {} }),
    ] {
        let req = test_support::signed_request("POST", "/actions/invoice", &malformed.to_string());
        let (status, answer) =
            test_support::json_of(workflow_actions::handle(&s.w.app, req).await.unwrap());
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not a workflow execution"),
            "{answer}"
        );
    }
    let client = reqwest::Client::new();
    let res = client.post(&url).body("{not json").send().await.unwrap();
    assert_eq!(
        res.status(),
        401,
        "unsigned garbage is refused before it is read"
    );
}

#[tokio::test]
async fn the_tax_code_field_offers_the_chosen_companys_codes() {
    let s = stage(6).await;
    let body = json!({
        "origin": { "portalId": PORTAL, "actionDefinitionId": 2, "actionDefinitionVersion": 1 },
        "objectTypeId": "0-3", "inputFieldName": "taxCodeId",
        "inputFields": { "realmId": { "type": "STATIC_VALUE", "value": UK } }, "fetchOptions": {},
    });
    let req = test_support::signed_request("POST", "/actions/options/taxcodes", &body.to_string());
    let (status, answer) =
        test_support::json_of(workflow_actions::handle(&s.w.app, req).await.unwrap());
    assert_eq!(status, 200, "{answer}");
    let labels: Vec<&str> = answer["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"20.0% S") && labels.contains(&"Exempt"),
        "{labels:?}"
    );
    let mut no_company = body.clone();
    no_company["inputFields"] = json!({});
    let req =
        test_support::signed_request("POST", "/actions/options/taxcodes", &no_company.to_string());
    let (status, answer) =
        test_support::json_of(workflow_actions::handle(&s.w.app, req).await.unwrap());
    assert_eq!((status, answer["options"].clone()), (200, json!([])));
}

#[tokio::test]
async fn an_access_token_revoked_early_is_renewed_once_and_the_action_succeeds() {
    let s = stage(6).await;
    s.w.connect_with_refresh(US).await;
    s.w.control(
        &s.w.qbo.base_url(),
        "/_sim/revoke",
        json!({ "realm_id": US }),
    )
    .await;
    let (status, body) = s
        .deliver(
            "invoice",
            &execution("DEAL", 401, json!({ "realmId": US, "daysUntilDue": "14" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(outputs(&body)["hs_execution_state"], "SUCCESS", "{body}");
    let refreshes =
        s.w.qbo
            .requests()
            .iter()
            .filter(|r| r.path == "/oauth2/v1/tokens/bearer" && r.body.contains("refresh_token"))
            .count();
    assert_eq!(refreshes, 1, "one refresh, then the repeated call");
}

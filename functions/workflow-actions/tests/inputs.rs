//! What a workflow action makes of its inputs (issue 10, items 3, 7 and 10). Discounted line items become
//! QuickBooks lines at their net value, adding up to the deal's amount. Line items with numbers out of
//! range or values QuickBooks cannot take, control characters in text, an invalid "days until due" and no
//! company chosen each fail with their own error code: a final FAIL_CONTINUE that HubSpot's redelivery gets
//! again instead of a 503 "busy" (or another crash) for three days. The action's own inputs are checked
//! before the execution is claimed; a record's refusal is stored with the execution's idempotency claim.

use hubspot_sim::ActionExecution;
use serde_json::{json, Value};
use test_support::world::{PORTAL, US};

mod common;

use common::{stage, Stage};

impl Stage {
    /// A deal billed to Ada Lovelace (contact 201, customer 58 in the US company) with these line items:
    /// the deal's id and the line items'.
    async fn deal(&self, lines: &[Value]) -> (u64, Vec<String>) {
        let deal = self
            .w
            .hubspot_create(
                "deals",
                json!({
                    "properties": { "dealname": "Edge case" },
                    "associations": [{ "to": { "id": "201" }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3 }] }],
                }),
            )
            .await;
        let mut ids = Vec::new();
        for properties in lines {
            let id = self
                .w
                .hubspot_create(
                    "line_items",
                    json!({
                        "properties": properties,
                        "associations": [{ "to": { "id": deal }, "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 20 }] }],
                    }),
                )
                .await;
            ids.push(id);
        }
        (deal.parse().unwrap(), ids)
    }

    /// Delivers the execution twice (HubSpot's redelivery after a lost answer): both answers are the same
    /// final refusal with `code`, and nothing is created.
    async fn refused_twice(&self, deal: u64, inputs: Value, code: &str) -> Value {
        let invoices = self.w.qbo_entities(US, "Invoice").len();
        let execution = ActionExecution::new(PORTAL, "DEAL", deal, inputs);
        let (status, first) = self.deliver("invoice", &execution).await;
        assert_eq!(status, 200, "{first}");
        let out = &first["outputFields"];
        assert_eq!(out["hs_execution_state"], "FAIL_CONTINUE", "{first}");
        assert_eq!(out["errorCode"], code, "{first}");
        let (status, again) = self.deliver("invoice", &execution).await;
        assert_eq!(
            (status, &again),
            (200, &first),
            "the stored outcome, not 503 busy"
        );
        assert_eq!(self.w.qbo_entities(US, "Invoice").len(), invoices);
        first["outputFields"]["errorMessage"].clone()
    }
}

fn line(quantity: &str, price: &str) -> Value {
    json!({ "name": "Consulting hours", "hs_sku": "SVC-CONSULT", "quantity": quantity, "price": price })
}

#[tokio::test]
async fn line_items_out_of_range_fail_with_their_own_code_and_the_redelivery_gets_the_same() {
    let s = stage(3).await;
    for (quantity, price) in [
        ("79228162514264337593543950335", "2"),
        ("1e20", "1e20"),
        ("1", "79228162514264337593543950336"),
    ] {
        let (deal, _) = s.deal(&[line(quantity, price)]).await;
        let message = s
            .refused_twice(deal, json!({ "realmId": US }), "AMOUNT_OUT_OF_RANGE")
            .await;
        assert!(
            message.as_str().unwrap().contains("out of range"),
            "{message}"
        );
    }
    // The handler is still up and works.
    let (deal, _) = s.deal(&[line("2", "150")]).await;
    let (status, body) = s
        .deliver(
            "invoice",
            &ActionExecution::new(PORTAL, "DEAL", deal, json!({ "realmId": US })),
        )
        .await;
    assert_eq!(
        (status, body["outputFields"]["hs_execution_state"].as_str()),
        (200, Some("SUCCESS")),
        "{body}"
    );
}

#[tokio::test]
async fn an_invalid_days_until_due_gets_its_own_code() {
    let s = stage(3).await;
    let (deal, _) = s.deal(&[line("2", "150")]).await;
    for days in [
        json!("-1"),
        json!(-1),
        json!("1.5"),
        json!("3651"),
        json!("99999999999999999999999"),
        json!("1e30"),
        json!("soon"),
    ] {
        let message = s
            .refused_twice(
                deal,
                json!({ "realmId": US, "daysUntilDue": days }),
                "INVALID_DAYS_UNTIL_DUE",
            )
            .await;
        assert!(
            message.as_str().unwrap().contains("whole number of days"),
            "{message}"
        );
    }
    let (_, body) = s
        .deliver(
            "invoice",
            &ActionExecution::new(
                PORTAL,
                "DEAL",
                deal,
                json!({ "realmId": US, "daysUntilDue": "14.0" }),
            ),
        )
        .await;
    assert_eq!(
        body["outputFields"]["hs_execution_state"], "SUCCESS",
        "{body}"
    );
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    assert_eq!(
        invoice["DueDate"], "2026-12-06",
        "14 days after QuickBooks' today"
    );
}

#[tokio::test]
async fn control_characters_in_a_line_item_fail_with_their_own_code() {
    let s = stage(3).await;
    let mut nul = line("1", "150");
    nul["description"] = json!("Consulting\u{0}hours");
    let (deal, _) = s.deal(&[nul]).await;
    let message = s
        .refused_twice(deal, json!({ "realmId": US }), "INVALID_TEXT")
        .await;
    assert!(message.as_str().unwrap().contains("U+0000"), "{message}");
}

#[tokio::test]
async fn discounted_line_items_become_lines_at_their_net_value_adding_up_to_the_deal() {
    let s = stage(3).await;
    let mut percent = line("10", "234.56");
    percent["hs_discount_percentage"] = json!("20");
    let per_unit = json!({ "name": "Widget", "hs_sku": "HW-WIDGET", "quantity": "3", "price": "100", "discount": "10" });
    let (deal, items) = s.deal(&[percent, per_unit]).await;
    // HubSpot's net amounts: 20 % off 2,345.60 is 1,876.48; 10 off each of 3 at 100 is 270. The deal's
    // amount is their sum, 2,146.48.
    let mut amounts = Vec::new();
    for id in &items {
        amounts.push(s.w.hubspot_record("line_items", id, &["amount"]).await["amount"].clone());
    }
    assert_eq!(amounts, [json!("1876.48"), json!("270")]);
    let (status, body) = s
        .deliver(
            "invoice",
            &ActionExecution::new(PORTAL, "DEAL", deal, json!({ "realmId": US })),
        )
        .await;
    assert_eq!(
        (status, body["outputFields"]["hs_execution_state"].as_str()),
        (200, Some("SUCCESS")),
        "{body}"
    );
    let invoice = s.w.qbo_entities(US, "Invoice").last().unwrap().clone();
    let lines = invoice["Line"].as_array().unwrap();
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| {
                l["Description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with(name))
            })
            .unwrap_or_else(|| panic!("{name} in {invoice}"))
            .clone()
    };
    let consulting = line("Consulting hours");
    assert_eq!(consulting["Amount"], json!(1876.48));
    // Amounts go to QuickBooks as their exact decimal text (`10`, not the float `10.0`): same value.
    assert_eq!(
        consulting["SalesItemLineDetail"]["Qty"].as_f64(),
        Some(10.0)
    );
    assert_eq!(
        consulting["SalesItemLineDetail"]["UnitPrice"],
        json!(187.648)
    );
    assert_eq!(
        consulting["Description"],
        "Consulting hours (list price 234.56, 20% discount)"
    );
    let widget = line("Widget");
    assert_eq!(widget["Amount"], json!(270));
    assert_eq!(
        widget["Description"],
        "Widget (list price 100, discount 10 per unit)"
    );
    let subtotal = lines
        .iter()
        .find(|l| l["DetailType"] == "SubTotalLineDetail")
        .unwrap();
    assert_eq!(subtotal["Amount"], json!(2146.48), "the deal's amount");
}

#[tokio::test]
async fn no_company_chosen_and_a_line_quickbooks_cannot_take_get_codes_of_their_own() {
    let s = stage(3).await;
    let (deal, _) = s.deal(&[line("2", "150")]).await;
    // Not UNKNOWN_COMPANY: no company is chosen at all.
    let message = s
        .refused_twice(deal, json!({ "daysUntilDue": "14" }), "NO_COMPANY_CHOSEN")
        .await;
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("no QuickBooks company chosen"),
        "{message}"
    );
    // Not QUICKBOOKS_REJECTED: nothing reached QuickBooks, the line item is what to correct.
    let (zero, _) = s.deal(&[line("0", "150")]).await;
    let message = s
        .refused_twice(zero, json!({ "realmId": US }), "INVALID_RECORD")
        .await;
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("quantity must not be zero"),
        "{message}"
    );
}

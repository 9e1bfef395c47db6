//! Extreme numbers (issue 10, item 3): what would overflow is refused with a fault, and the simulator keeps
//! answering afterwards; a handler that panicked while holding the state does not leave it dead.

mod common;

use common::{code, control, sales_line, Company, US};
use serde_json::{json, Value};

fn invoice(lines: Vec<Value>) -> Value {
    json!({"CustomerRef": {"value": "58"}, "Line": lines})
}

fn raw_line(amount: Value, qty: Value, price: Value) -> Value {
    json!({"Amount": amount, "DetailType": "SalesItemLineDetail",
           "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": qty, "UnitPrice": price}})
}

/// The simulator still serves the company normally.
async fn still_answers(us: &Company) {
    let (status, body) = us.get_json(&format!("companyinfo/{US}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = us
        .post(
            "invoice",
            invoice(vec![sales_line("1", 2.0, 150.0, 300.0, None)]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// A number without a successor is never incremented into an overflow: auto-numbering passes over it.
#[tokio::test]
async fn auto_numbering_passes_over_a_doc_number_without_a_successor() {
    let us = Company::unthrottled(US).await;
    let mut huge = invoice(vec![sales_line("1", 1.0, 10.0, 10.0, None)]);
    huge["DocNumber"] = json!("18446744073709551615");
    let (status, body) = us.post("invoice", huge).await;
    assert_eq!(
        status, 200,
        "a 20-digit number is a valid DocNumber: {body}"
    );
    let (status, body) = us
        .post(
            "invoice",
            invoice(vec![sales_line("1", 1.0, 10.0, 10.0, None)]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let next = body["Invoice"]["DocNumber"].as_str().unwrap();
    assert!(
        next.parse::<u64>().is_ok_and(|n| n < u64::MAX),
        "the next number is an ordinary one: {body}"
    );
    still_answers(&us).await;
}

#[tokio::test]
async fn amounts_that_overflow_are_refused_and_nothing_is_stored() {
    let us = Company::unthrottled(US).await;
    let max = "79228162514264337593543950335";
    let before = us.count_of("Invoice");
    for (why, lines) in [
        (
            "quantity × price",
            vec![raw_line(json!(1e20), json!(1e20), json!(1e20))],
        ),
        (
            "the subtotal",
            vec![
                raw_line(json!(max), Value::Null, Value::Null),
                raw_line(json!(max), Value::Null, Value::Null),
            ],
        ),
        (
            "the tax on a taxable line",
            vec![json!({"Amount": max, "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "TAX"}}})],
        ),
    ] {
        // Each is beyond the simulator's own bound on amounts (src/amounts.rs), refused before any sum.
        let (status, body) = us.post("invoice", invoice(lines)).await;
        assert_eq!((status, code(&body)), (400, "2010"), "{why}: {body}");
    }
    let (status, body) = us
        .post(
            "invoice",
            invoice(vec![raw_line(json!(1e30), Value::Null, Value::Null)]),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (400, "2010"),
        "beyond a decimal: {body}"
    );
    let (status, body) = us
        .post(
            "payment",
            json!({"CustomerRef": {"value": "58"}, "TotalAmt": format!("-{max}"),
                   "Line": [{"Amount": max, "LinkedTxn": []}]}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "2010"), "{body}");
    assert_eq!(us.count_of("Invoice"), before, "nothing stored");
    still_answers(&us).await;
}

#[tokio::test]
async fn control_values_out_of_range_are_refused() {
    let us = Company::unthrottled(US).await;
    for (path, body) in [
        ("clock", json!({"advance_seconds": i64::MAX})),
        ("clock", json!({"advance_seconds": i64::MIN})),
        ("settings", json!({"rotation_age_seconds": i64::MAX})),
    ] {
        let res = reqwest::Client::new()
            .post(format!("{}/_sim/{path}", us.sim.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{path} {body}");
    }
    control(&us.sim, "clock", json!({"advance_seconds": 60})).await;
    still_answers(&us).await;
}

#[tokio::test]
async fn a_panic_while_holding_the_state_does_not_kill_the_simulator() {
    let mut us = Company::unthrottled(US).await;
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        us.sim.with_state(|_| panic!("a simulator bug"))
    }));
    assert!(panicked.is_err());
    still_answers(&us).await;
    control(&us.sim, "reset", json!({})).await;
    us.reconnect();
    still_answers(&us).await;
}

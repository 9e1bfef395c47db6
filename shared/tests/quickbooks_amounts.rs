//! Amounts reach QuickBooks and come back with every digit (issue 11, "Money through f64"): a unit price
//! with 7 decimals, one of 10^12, and one with both, which an `f64` cannot hold (it would write
//! `1000000000000.1234`), drafted by our own rules, written and read back by our real client against the
//! simulator.

use chrono::NaiveDate;
use qbo_sim::{QboSim, Seed};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;
use shared::domain::draft::{Draft, DraftLine};
use shared::outbound::Outbound;
use shared::quickbooks::api::Auth;
use shared::quickbooks::entities::{DocType, Document};
use shared::quickbooks::{wire, CompanyProfile, QboApi};
use url::Url;

const US: &str = "9130357766900011";
/// Acme Ltd and a non-taxable item of the demo company: the total is the lines' sum, no sales tax.
const CUSTOMER: &str = "58";
const ITEM: &str = "1";

fn line(quantity: Decimal, unit_price: Decimal) -> DraftLine {
    DraftLine {
        item_id: ITEM.into(),
        description: None,
        quantity,
        unit_price,
        service_date: None,
        tax_code_id: None,
    }
}

fn us_company() -> CompanyProfile {
    CompanyProfile {
        name: "Demo".into(),
        country: "US".into(),
        home_currency: "USD".into(),
        multi_currency: false,
        custom_txn_numbers: false,
        line_tax_codes_required: false,
    }
}

#[tokio::test]
async fn seven_decimals_and_ten_to_the_twelfth_come_back_exactly() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let http = Outbound::new();
    let base = Url::parse(&sim.base_url()).unwrap();
    let token = sim.issue_access_token(US);
    let api = QboApi {
        http: &http,
        base: &base,
        realm_id: US,
        auth: Auth::Token(&token),
    };
    let prices = [
        (dec!(3), dec!(0.1234567)),
        (dec!(1), dec!(1000000000000)),
        (dec!(1), dec!(1000000000000.1234567)),
    ];
    let draft = Draft {
        doc_type: DocType::Invoice,
        lines: prices.iter().map(|(q, p)| line(*q, *p)).collect(),
        term_id: None,
        txn_date: NaiveDate::from_ymd_opt(2026, 11, 22),
        due_date: None,
        message: None,
        doc_number: None,
    };
    let body = draft.body(CUSTOMER, &us_company()).unwrap();
    let created = api
        .write::<Document>("invoice", "Invoice", &body, "exact-amounts-1")
        .await
        .unwrap()
        .value;

    // On the wire: the decimals' own digits, as bare JSON numbers.
    let sent = sim
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path.ends_with("/invoice"))
        .unwrap()
        .body;
    for text in [
        r#""UnitPrice":0.1234567"#,
        r#""UnitPrice":1000000000000}"#,
        r#""UnitPrice":1000000000000.1234567"#,
        r#""Amount":1000000000000.12"#,
    ] {
        assert!(sent.contains(text), "{text} in {sent}");
    }

    // 0.37 + 1000000000000 + 1000000000000.12, to the cent.
    let total = dec!(2000000000000.49);
    assert_eq!(created.total, total);
    assert_eq!(created.balance, Some(total));

    let read: Value = api.get(&format!("invoice/{}", created.id)).await.unwrap();
    let invoice: Document = serde_json::from_value(read["Invoice"].clone()).unwrap();
    assert_eq!((invoice.total, invoice.balance), (total, Some(total)));
    let lines: Vec<(Option<Decimal>, Option<Decimal>)> = read["Invoice"]["Line"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["DetailType"] == "SalesItemLineDetail")
        .map(|l| {
            let detail = &l["SalesItemLineDetail"];
            (
                wire::decimal(&detail["Qty"]),
                wire::decimal(&detail["UnitPrice"]),
            )
        })
        .collect();
    let expected: Vec<_> = prices.iter().map(|(q, p)| (Some(*q), Some(*p))).collect();
    assert_eq!(lines, expected);
}

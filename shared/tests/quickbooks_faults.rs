//! The QuickBooks client against the simulator, per country: a line without a tax code is refused in each
//! country's own words, and the client reads every one of them as "tax code required" (issue 10, item 13).

use qbo_sim::{QboSim, Seed};
use serde_json::{json, Value};
use shared::outbound::Outbound;
use shared::quickbooks::api::Auth;
use shared::quickbooks::entities::Document;
use shared::quickbooks::{FaultKind, QboApi, QboError};
use url::Url;

const US: &str = "9130357766900011";
const UK: &str = "9130357766900022";
const CA: &str = "9130357766900033";

/// An invoice for `customer` whose only line has no tax code.
fn untaxed(customer: &str, item: &str) -> Value {
    json!({
        "CustomerRef": { "value": customer },
        "Line": [{
            "Amount": 100, "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": { "ItemRef": { "value": item }, "Qty": 1, "UnitPrice": 100 },
        }],
    })
}

async fn create(sim: &QboSim, realm: &str, invoice: &Value) -> Result<Document, QboError> {
    let http = Outbound::new();
    let base = Url::parse(&sim.base_url()).unwrap();
    let token = sim.issue_access_token(realm);
    let api = QboApi {
        http: &http,
        base: &base,
        realm_id: realm,
        auth: Auth::Token(&token),
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    api.write::<Document>("invoice", "Invoice", invoice, &id)
        .await
        .map(|s| s.value)
}

fn detail(e: &QboError) -> String {
    match e {
        QboError::Fault { detail, .. } => detail.clone().unwrap_or_default(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn us_companies_need_no_tax_code() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let created = create(&sim, US, &untaxed("58", "1")).await;
    assert!(created.is_ok(), "{created:?}");
}

#[tokio::test]
async fn uk_words_it_as_a_vat_rate() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let e = create(&sim, UK, &untaxed("7", "11")).await.unwrap_err();
    assert!(
        detail(&e).contains("have a VAT rate before you save"),
        "{e}"
    );
    assert_eq!(e.kind(), FaultKind::TaxCodeRequired);
}

#[tokio::test]
async fn canada_words_it_as_a_gst_hst_rate() {
    let sim = QboSim::start(Seed::demo()).await.unwrap();
    let e = create(&sim, CA, &untaxed("21", "31")).await.unwrap_err();
    assert!(
        detail(&e).contains("have a GST/HST rate before you save"),
        "{e}"
    );
    assert_eq!(e.kind(), FaultKind::TaxCodeRequired);
}

#[tokio::test]
async fn a_country_whose_wording_is_undocumented_is_not_simulated() {
    let mut seed = Seed::demo();
    let uk = seed
        .companies
        .iter_mut()
        .find(|c| c.realm_id == UK)
        .unwrap();
    uk.company_info["Country"] = json!("AU");
    let sim = QboSim::start(seed).await.unwrap();
    let e = create(&sim, UK, &untaxed("7", "11")).await.unwrap_err();
    assert!(
        matches!(&e, QboError::Fault { code, .. } if code == "500"),
        "{e}"
    );
    assert_eq!(e.kind(), FaultKind::Rejected);
}

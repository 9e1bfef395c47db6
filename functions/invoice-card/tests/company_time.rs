//! "Today" and "overdue" follow the company's clock, daylight saving included (issue 10, item 14): a
//! Pacific company is at -07:00 in summer and -08:00 in winter, so its midnight falls at 07:00Z and 08:00Z.
//! Through the card, against the simulator's clock.

use chrono::{DateTime, Utc};
use invoice_card::handle;
use serde_json::{json, Value};
use test_support::world::{World, PORTAL, US};
use test_support::{card_request, json_of};

async fn call(w: &World, method: &str, path: &str, body: Value) -> Value {
    // Boxed: the handler's future is large in a debug build, and a test thread's stack is 2 MiB.
    let req = card_request(method, path, &body);
    let (status, answer) = json_of(Box::pin(handle(&w.app, req)).await.unwrap());
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

/// Puts QuickBooks' clock at `instant` (and gives the app tokens that live at that time).
async fn set_clock(w: &World, instant: &str) {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(instant).unwrap().into();
    w.qbo
        .with_state(|s| s.recorder.clock_offset = at - Utc::now());
    w.reissue_tokens().await;
}

/// An invoice of the US company due on `due`, linked to deal 401; its id.
async fn invoice_due(w: &World, due: &str) -> String {
    let created = w
        .qbo_post(
            US,
            "invoice",
            json!({
                "CustomerRef": { "value": "58" }, "DueDate": due,
                "Line": [{ "Amount": 100, "DetailType": "SalesItemLineDetail",
                           "SalesItemLineDetail": { "ItemRef": { "value": "1" }, "Qty": 1, "UnitPrice": 100 } }],
            }),
        )
        .await;
    let id = created["Invoice"]["Id"].as_str().unwrap().to_string();
    call(
        w,
        "POST",
        "/card/links",
        json!({
            "realmId": US, "objectType": "deals", "objectId": "401",
            "documents": [{ "type": "invoice", "id": id }],
        }),
    )
    .await;
    id
}

/// The invoice's status on the card, read again from QuickBooks.
async fn status_of(w: &World, id: &str) -> String {
    let listed = call(w, "GET", "/card/records/deals/401?refresh=1", Value::Null).await;
    let doc = listed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{listed}"))
        .clone();
    doc["status"].as_str().unwrap().to_string()
}

/// The date the create wizard proposes as the invoice date: the company's today.
async fn wizard_today(w: &World) -> String {
    let draft = call(
        w,
        "GET",
        &format!("/card/draft?realmId={US}&objectType=deals&objectId=401&source=deal"),
        Value::Null,
    )
    .await;
    draft["txnDate"].as_str().unwrap().to_string()
}

async fn midnight(w: &World, before: &str, after: &str, due: &str, next_day: &str) {
    set_clock(w, before).await;
    let id = invoice_due(w, due).await;
    assert_eq!(
        status_of(w, &id).await,
        "awaiting_send",
        "a minute before midnight it is due today, not late"
    );
    assert_eq!(wizard_today(w).await, due);
    let created = w.qbo_entities(US, "Invoice");
    let stored = created.iter().find(|i| i["Id"] == id.as_str()).unwrap();
    assert_eq!(stored["TxnDate"], due, "QuickBooks' own today");

    set_clock(w, after).await;
    assert_eq!(
        status_of(w, &id).await,
        "overdue",
        "a minute after midnight it is late"
    );
    // The wizard's catalogue is kept a minute; QuickBooks' clock jumped, so read it again.
    let key = shared::store::keys::catalog(PORTAL.into(), &US.parse().unwrap());
    w.app.store.delete(&key).await.unwrap();
    assert_eq!(wizard_today(w).await, next_day);
}

#[tokio::test]
async fn summer_midnight_in_pacific_time_is_0700_utc() {
    let w = World::new().await;
    midnight(
        &w,
        "2026-07-15T06:59:00Z",
        "2026-07-15T07:01:00Z",
        "2026-07-14",
        "2026-07-15",
    )
    .await;
}

#[tokio::test]
async fn winter_midnight_in_pacific_time_is_0800_utc() {
    let w = World::new().await;
    midnight(
        &w,
        "2026-12-15T07:59:00Z",
        "2026-12-15T08:01:00Z",
        "2026-12-14",
        "2026-12-15",
    )
    .await;
}

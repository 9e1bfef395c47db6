//! What the settings page's sync settings do to the next run, end to end: saved through the real sync API
//! (oauth-callback's handler), applied by the real sync, both simulators and moto behind them.

#[path = "../../oauth-callback/tests/common/mod.rs"]
mod api;
mod common;

use common::{hubspot_by, ids, qbo_pick, qbo_records};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use test_support::queue::LocalQueue;
use test_support::world::{World, US};

const BUDGET: Duration = Duration::from_secs(600);

async fn settings(w: &World) -> Value {
    api::get_ok(w, &format!("/sync/settings?realmId={US}")).await
}

/// Saves what `change` makes of the page's save body.
async fn save(w: &World, change: impl FnOnce(&mut Value)) -> Value {
    let mut body = api::save_body(&settings(w).await);
    change(&mut body);
    let (status, saved) = api::call(
        w,
        None,
        "PUT",
        &format!("/sync/settings?realmId={US}"),
        Some(&body),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    saved
}

fn mappings<'a>(body: &'a mut Value, object: &str) -> &'a mut Vec<Value> {
    body["objects"][object]["mappings"].as_array_mut().unwrap()
}

/// The US company's HubSpot record of a QuickBooks record, by its key.
fn synced(w: &World, object: &str, key_property: &str, qbo_id: &Value) -> BTreeMap<String, String> {
    let key = format!("{US}:{}", qbo_id.as_str().unwrap());
    hubspot_by(w, object, key_property)
        .remove(&key)
        .unwrap_or_else(|| panic!("{key} is not in HubSpot's {object}"))
}

async fn health(w: &World) -> Value {
    api::get_ok(w, &format!("/sync/health?realmId={US}")).await
}

async fn world() -> (World, LocalQueue) {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    (w, q)
}

#[tokio::test]
async fn each_switch_and_behaviour_saved_on_the_page_changes_what_the_next_run_does() {
    let (w, q) = world().await;
    common::tick(&w.app, &q, BUDGET).await;
    let after_first = health(&w).await;
    assert_eq!(after_first["state"], "ok", "{after_first}");
    let contacts_run = &after_first["objects"]["contacts"]["lastRun"];
    assert_eq!(contacts_run["outcome"], "done");
    assert!(contacts_run["read"].as_u64().unwrap() > 0, "{contacts_run}");
    assert!(after_first["objects"]["invoices"]["cursorAt"].is_string());

    save(&w, |b| {
        b["objects"]["products"]["enabled"] = json!(false);
        b["objects"]["contacts"]["onChange"] = json!("nothing");
        b["objects"]["invoices"]["onDelete"] = json!("nothing");
    })
    .await;
    let item = qbo_pick(&w, US, "Item", |i| i["Active"] != false);
    let mut rename = ids(&item);
    rename["Name"] = json!("Renamed while switched off");
    w.qbo_post(US, "item", rename).await;
    let customer = qbo_pick(&w, US, "Customer", |c| {
        c["Active"] != false && c["GivenName"].is_string()
    });
    let mut rename = ids(&customer);
    rename["GivenName"] = json!("Ignored");
    w.qbo_post(US, "customer", rename).await;
    let open = |i: &Value| i["Balance"].as_f64().is_some_and(|b| b > 0.0);
    let deleted = qbo_pick(&w, US, "Invoice", open);
    let body = json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]});
    w.qbo_post(US, "invoice?operation=delete", body).await;
    let status_before =
        synced(&w, "invoices", "qbo_invoice_key", &deleted["Id"])["qbo_invoice_status"].clone();
    common::tick(&w.app, &q, BUDGET).await;

    assert_ne!(
        synced(&w, "products", "qbo_item_key", &item["Id"])["name"],
        "Renamed while switched off"
    );
    assert_ne!(
        synced(&w, "contacts", "qbo_customer_key", &customer["Id"])
            .get("firstname")
            .map(String::as_str),
        Some("Ignored")
    );
    assert_eq!(
        synced(&w, "invoices", "qbo_invoice_key", &deleted["Id"])["qbo_invoice_status"],
        status_before,
        "a delete does nothing"
    );
    let h = health(&w).await;
    assert_eq!(
        h["objects"]["products"]["lastRun"], after_first["objects"]["products"]["lastRun"],
        "products did not run"
    );
    assert_ne!(
        h["objects"]["contacts"]["lastRun"],
        after_first["objects"]["contacts"]["lastRun"]
    );

    // Switched on again, products pick up from where their cursor stopped.
    save(&w, |b| {
        b["objects"]["products"]["enabled"] = json!(true);
        b["objects"]["products"]["onDelete"] = json!("archive");
    })
    .await;
    let deactivated = qbo_pick(&w, US, "Item", |i| {
        i["Active"] != false && i["Id"] != item["Id"]
    });
    let mut off = ids(&deactivated);
    off["Active"] = json!(false);
    w.qbo_post(US, "item", off).await;
    common::tick(&w.app, &q, BUDGET).await;
    assert_eq!(
        synced(&w, "products", "qbo_item_key", &item["Id"])["name"],
        "Renamed while switched off"
    );
    let key = format!("{US}:{}", deactivated["Id"].as_str().unwrap());
    assert!(
        !hubspot_by(&w, "products", "qbo_item_key").contains_key(&key),
        "archived on deactivation"
    );
}

#[tokio::test]
async fn a_custom_mapping_added_edited_and_deleted_reaches_hubspot_and_resync_applies_it_to_every_record(
) {
    let (w, q) = world().await;
    common::tick(&w.app, &q, BUDGET).await;
    let customers: Vec<Value> = qbo_records(&w, US, "Customer")
        .into_iter()
        .filter(|c| c["Active"] != false && c["DisplayName"].is_string())
        .collect();
    let (x, others) = customers.split_first().expect("customers");
    let change = |fields: Value| {
        let mut body = ids(&qbo_records(&w, US, "Customer")
            .into_iter()
            .find(|c| c["Id"] == x["Id"])
            .unwrap());
        for (k, v) in fields.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let jobtitle = |w: &World, c: &Value| {
        synced(w, "contacts", "qbo_customer_key", &c["Id"])
            .get("jobtitle")
            .cloned()
            .unwrap_or_default()
    };

    // Added: the next run writes it for the records it carries.
    save(&w, |b| {
        mappings(b, "contacts")
            .push(json!({"sources": ["DisplayName"], "target": "jobtitle", "shape": "text"}))
    })
    .await;
    w.qbo_post(US, "customer", change(json!({"DisplayName": "Ada Added"})))
        .await;
    common::tick(&w.app, &q, BUDGET).await;
    assert_eq!(jobtitle(&w, x), "Ada Added");
    let unchanged = others
        .iter()
        .find(|c| {
            qbo_records(&w, US, "Customer")
                .iter()
                .any(|r| r["Id"] == c["Id"])
        })
        .unwrap();
    assert_eq!(
        jobtitle(&w, unchanged),
        "",
        "a record that did not change is not rewritten by a run"
    );

    // Resync: every record already synced is written again with the mappings.
    let jobs = q.jobs();
    let (status, _) = api::call(
        &w,
        Some(&jobs),
        "POST",
        &format!("/sync/resync?realmId={US}&object=contacts"),
        None,
    )
    .await;
    assert_eq!(status, 202);
    common::drain(&w.app, &q, BUDGET).await;
    let contacts = hubspot_by(&w, "contacts", "qbo_customer_key");
    let mut rewritten = 0;
    for c in others {
        let key = format!("{US}:{}", c["Id"].as_str().unwrap());
        // Customers that share an e-mail share a contact: it carries one of their keys.
        if let Some(contact) = contacts.get(&key) {
            assert_eq!(
                contact.get("jobtitle"),
                c["DisplayName"].as_str().map(str::to_string).as_ref(),
                "{key}"
            );
            rewritten += 1;
        }
    }
    assert!(rewritten >= 2, "{rewritten} contacts checked");

    // Edited: the property follows its new source.
    save(&w, |b| {
        let m = mappings(b, "contacts")
            .iter_mut()
            .find(|m| m["target"] == "jobtitle")
            .unwrap();
        m["sources"] = json!(["CompanyName"]);
    })
    .await;
    w.qbo_post(US, "customer", change(json!({"CompanyName": "Edited Co"})))
        .await;
    common::tick(&w.app, &q, BUDGET).await;
    assert_eq!(jobtitle(&w, x), "Edited Co");

    // Deleted: the property is no longer written (it keeps its last value), the rest still is.
    save(&w, |b| {
        mappings(b, "contacts").retain(|m| m["target"] != "jobtitle")
    })
    .await;
    w.qbo_post(
        US,
        "customer",
        change(json!({"CompanyName": "After Delete"})),
    )
    .await;
    common::tick(&w.app, &q, BUDGET).await;
    let contact = synced(&w, "contacts", "qbo_customer_key", &x["Id"]);
    assert_eq!(contact["company"], "After Delete");
    assert_eq!(contact["jobtitle"], "Edited Co");
}

#[tokio::test]
async fn a_failed_record_is_listed_with_its_reason_retried_once_fixed_and_then_gone() {
    let (w, q) = world().await;
    let created = w
        .qbo_post(
            US,
            "customer",
            json!({"DisplayName": "Typo Inc", "PrimaryEmailAddr": {"Address": "not-an-email"}}),
        )
        .await;
    let id = created["Customer"]["Id"].as_str().unwrap().to_string();
    common::tick(&w.app, &q, BUDGET).await;

    let list = format!("/sync/failures?realmId={US}&object=contacts");
    let (status, page) = api::call(&w, None, "GET", &list, None).await;
    assert_eq!(status, 200, "{page}");
    let failures = page["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{page}");
    let f = &failures[0];
    assert_eq!(f["qboId"], id.as_str());
    assert_eq!(f["name"], "Typo Inc");
    assert_eq!(f["hubspotId"], Value::Null, "HubSpot never took it");
    let reason = f["reason"].as_str().unwrap();
    assert!(
        reason.contains("HubSpot refused it") && reason.contains("not-an-email"),
        "{reason}"
    );
    let h = health(&w).await;
    assert_eq!(h["objects"]["contacts"]["failedCount"], 1);
    assert!(
        h["objects"]["contacts"]["lastRun"]["failed"]
            .as_u64()
            .unwrap()
            >= 1,
        "{h}"
    );

    // Fixed in QuickBooks, then retried from the page: the retry job alone applies it.
    let mut fix = ids(&created["Customer"]);
    fix["PrimaryEmailAddr"] = json!({"Address": "typo@example.com"});
    w.qbo_post(US, "customer", fix).await;
    let jobs = q.jobs();
    let retry = format!("/sync/failures/retry?realmId={US}");
    let (status, _) = api::call(
        &w,
        Some(&jobs),
        "POST",
        &retry,
        Some(&json!({"object": "contacts", "qboId": id})),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(
        common::drain(&w.app, &q, BUDGET).await,
        1,
        "one job, one run"
    );
    let (_, page) = api::call(&w, None, "GET", &list, None).await;
    assert_eq!(page, json!({"failures": [], "next": null}));
    assert!(hubspot_by(&w, "contacts", "email").contains_key("typo@example.com"));
    assert_eq!(health(&w).await["objects"]["contacts"]["failedCount"], 0);
}

#[tokio::test]
async fn a_company_that_needs_reconnecting_shows_it_in_health_and_on_the_card() {
    let (w, q) = world().await;
    common::tick(&w.app, &q, BUDGET).await;
    for _ in 0..2 {
        w.control(
            &w.qbo.base_url(),
            "/_sim/revoke",
            json!({"realm_id": US, "refresh_tokens": true}),
        )
        .await;
        w.reissue_tokens().await;
    }
    w.control(
        &w.qbo.base_url(),
        "/_sim/revoke",
        json!({"realm_id": US, "refresh_tokens": true}),
    )
    .await;
    common::tick(&w.app, &q, BUDGET).await;
    let h = health(&w).await;
    assert_eq!(h["state"], "reconnect_needed", "{h}");
    let last = &h["objects"]["contacts"]["lastRun"];
    assert_eq!(last["outcome"], "stopped", "{h}");
    assert!(
        last["message"].as_str().unwrap().contains("reconnect"),
        "{h}"
    );
    let (status, saved) = api::call(
        &w,
        None,
        "GET",
        &format!("/sync/settings?realmId={US}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{saved}");

    let connections = shared::connections::Connection::list_for_portal(
        &w.app.store,
        test_support::world::PORTAL,
        chrono::Utc::now().timestamp(),
    )
    .await
    .unwrap();
    let notices = shared::sync::health::notices(
        &w.app.store,
        &connections,
        w.app.config.sync_stale_after,
        chrono::Utc::now(),
    )
    .await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("reconnected"), "{notices:?}");
}

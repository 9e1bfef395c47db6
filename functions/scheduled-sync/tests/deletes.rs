//! Deletes and deactivations in QuickBooks (B8), end to end: the HubSpot records follow each object's
//! delete setting, and a deleted invoice that the card linked to a deal is marked deleted on its link and
//! leaves the deal's totals, through the card's own code.

mod common;

use common::{hubspot_by, ids, qbo_pick, BUDGET};
use serde_json::{json, Value};
use shared::documents::links::Link;
use shared::ids::{Record, RecordType};
use shared::sync::idmap::IdMap;
use shared::sync::settings::{OnDelete, SyncSettings};
use shared::sync::SyncObject;
use std::collections::BTreeMap;
use test_support::world::{World, PORTAL, US};

/// The default settings with these objects' delete behaviours.
fn with_on_delete(changes: &[(SyncObject, OnDelete)]) -> SyncSettings {
    let mut settings = SyncSettings::default();
    for (object, on_delete) in changes {
        let mut s = settings.of(*object);
        s.on_delete = *on_delete;
        settings.objects.insert(*object, s);
    }
    settings
}

/// The HubSpot record a QuickBooks record became (from the sync's id map): whether it is archived, and its
/// properties.
async fn synced_record(
    w: &World,
    object: SyncObject,
    qbo_id: &str,
) -> (bool, BTreeMap<String, String>) {
    let realm = US.parse().unwrap();
    let map = IdMap {
        store: &w.app.store,
        portal_id: PORTAL,
        realm_id: &realm,
    };
    let found = map.find(object, &[qbo_id]).await.unwrap();
    let id: u64 = found
        .get(qbo_id)
        .unwrap_or_else(|| panic!("{object:?} {qbo_id} never synced"))
        .parse()
        .unwrap();
    w.hubspot.with_state(|s| {
        let r = &s.objects[object.hubspot_object()][&id];
        (r.archived_at.is_some(), r.properties.clone())
    })
}

/// Deactivates a customer and an item in QuickBooks; returns their ids.
async fn deactivate_a_customer_and_an_item(w: &World) -> (String, String) {
    let customer = qbo_pick(w, US, "Customer", |c| {
        c["Active"] != false && c["Balance"].as_f64().unwrap_or(0.0) == 0.0
    });
    let mut off = ids(&customer);
    off["Active"] = json!(false);
    w.qbo_post(US, "customer", off).await;
    let item = qbo_pick(w, US, "Item", |i| i["Active"] != false);
    let mut off = ids(&item);
    off["Active"] = json!(false);
    w.qbo_post(US, "item", off).await;
    let id = |r: &Value| r["Id"].as_str().unwrap().to_string();
    (id(&customer), id(&item))
}

#[tokio::test]
async fn by_default_a_deleted_invoice_and_deactivated_records_are_kept_and_marked_and_the_deal_drops_it(
) {
    let w = World::new().await;
    w.without_rate_limits().await;
    let deleted = qbo_pick(&w, US, "Invoice", common::open_invoice);
    let kept = qbo_pick(&w, US, "Invoice", |i| {
        common::open_invoice(i) && i["Id"] != deleted["Id"]
    });
    common::link_to_deal(&w, US, &deleted, "401").await;
    common::link_to_deal(&w, US, &kept, "401").await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    w.qbo_post(
        US,
        "invoice?operation=delete",
        json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]}),
    )
    .await;
    let (customer, item) = deactivate_a_customer_and_an_item(&w).await;
    common::tick(&w.app, &q, BUDGET).await;

    let key = |r: &Value| format!("{US}:{}", r["Id"].as_str().unwrap());
    let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
    assert_eq!(
        invoices[&key(&deleted)]["qbo_invoice_status"],
        "Deleted",
        "kept and marked"
    );
    let (archived, contact) = synced_record(&w, SyncObject::Contacts, &customer).await;
    assert!(!archived);
    assert_eq!(contact["qbo_active"], "false");
    let (archived, product) = synced_record(&w, SyncObject::Products, &item).await;
    assert!(!archived);
    assert_eq!(product["qbo_active"], "false");

    // The card's link says deleted, with the last known figures.
    let links = Link::list(
        &w.app.store,
        PORTAL,
        &Record::new(RecordType::Deals, "401").unwrap(),
    )
    .await
    .unwrap();
    let gone = links
        .iter()
        .find(|l| l.snapshot.id == deleted["Id"])
        .unwrap();
    assert!(gone.snapshot.deleted);
    assert_eq!(gone.snapshot.status(chrono::Utc::now()).label(), "Deleted");
    assert_eq!(
        gone.snapshot.total.to_string().parse::<f64>().ok(),
        deleted["TotalAmt"].as_f64(),
        "its last known figures"
    );
    // The deal's figures come from the invoice still in QuickBooks, and its totals leave the deleted out.
    let deal = w
        .hubspot_record(
            "deals",
            "401",
            &[
                "qbo_invoice_id",
                "qbo_invoice_status",
                "qbo_invoiced_total",
                "qbo_invoiced_balance",
            ],
        )
        .await;
    let number = |v: &Value| {
        v.as_f64()
            .or_else(|| v.as_str()?.parse().ok())
            .unwrap_or_else(|| panic!("not a number: {v}"))
    };
    assert_eq!(deal["qbo_invoice_id"], kept["Id"], "{deal}");
    assert_ne!(deal["qbo_invoice_status"], "Deleted", "{deal}");
    assert_eq!(
        number(&deal["qbo_invoiced_total"]),
        number(&kept["TotalAmt"]),
        "{deal}"
    );
    assert_eq!(
        number(&deal["qbo_invoiced_balance"]),
        number(&kept["Balance"]),
        "{deal}"
    );
}

#[tokio::test]
async fn a_deal_whose_only_invoice_was_deleted_says_so_and_bills_nothing() {
    let w = World::new().await;
    w.without_rate_limits().await;
    // HubSpot's invoice record is left alone, but the deal follows QuickBooks all the same.
    common::save_settings(
        &w,
        US,
        &with_on_delete(&[(SyncObject::Invoices, OnDelete::Nothing)]),
    )
    .await;
    let deleted = qbo_pick(&w, US, "Invoice", common::open_invoice);
    common::link_to_deal(&w, US, &deleted, "401").await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    let key = format!("{US}:{}", deleted["Id"].as_str().unwrap());
    let before = hubspot_by(&w, "invoices", "qbo_invoice_key")[&key].clone();

    w.qbo_post(
        US,
        "invoice?operation=delete",
        json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]}),
    )
    .await;
    common::tick(&w.app, &q, BUDGET).await;
    let after = hubspot_by(&w, "invoices", "qbo_invoice_key")[&key].clone();
    assert_eq!(
        after["qbo_invoice_status"], before["qbo_invoice_status"],
        "nothing: the HubSpot invoice is untouched"
    );
    let deal = w
        .hubspot_record(
            "deals",
            "401",
            &[
                "qbo_invoice_id",
                "qbo_invoice_status",
                "qbo_invoiced_total",
                "qbo_invoice_link",
            ],
        )
        .await;
    assert_eq!(deal["qbo_invoice_id"], deleted["Id"], "{deal}");
    assert_eq!(deal["qbo_invoice_status"], "Deleted", "{deal}");
    assert_eq!(deal["qbo_invoiced_total"], "0", "{deal}");
    assert!(
        deal["qbo_invoice_link"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "no page left to open: {deal}"
    );
}

#[tokio::test]
async fn deactivated_customers_and_items_are_archived_when_the_setting_says_so() {
    let w = World::new().await;
    w.without_rate_limits().await;
    common::save_settings(
        &w,
        US,
        &with_on_delete(&[
            (SyncObject::Contacts, OnDelete::Archive),
            (SyncObject::Products, OnDelete::Archive),
        ]),
    )
    .await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    let (customer, item) = deactivate_a_customer_and_an_item(&w).await;
    let (archived, _) = synced_record(&w, SyncObject::Contacts, &customer).await;
    assert!(!archived, "live before the deactivation is synced");
    common::tick(&w.app, &q, BUDGET).await;

    let (archived, _) = synced_record(&w, SyncObject::Contacts, &customer).await;
    assert!(archived, "the customer's contact is archived");
    let (archived, _) = synced_record(&w, SyncObject::Products, &item).await;
    assert!(archived, "the item's product is archived");
}

#[tokio::test]
async fn a_line_removed_from_an_invoice_in_quickbooks_is_archived_in_hubspot() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let invoice = qbo_pick(&w, US, "Invoice", |i| common::sales_lines(i).len() >= 2);
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    let id = invoice["Id"].as_str().unwrap();
    let line_key = |l: &Value| format!("{US}:{id}:{}", l["Id"].as_str().unwrap());
    let lines = common::sales_lines(&invoice);
    let all: Vec<String> = lines.iter().map(line_key).collect();
    let synced = hubspot_by(&w, "line_items", "qbo_line_key");
    assert!(all.iter().all(|k| synced.contains_key(k)), "{all:?}");

    // A sparse update that sends `Line` replaces them all (quickbooks-api.md §7): the last line goes.
    let (kept, removed) = lines.split_at(lines.len() - 1);
    let mut update = ids(&invoice);
    update["Line"] = Value::Array(kept.to_vec());
    w.qbo_post(US, "invoice", update).await;
    common::tick(&w.app, &q, BUDGET).await;

    let synced = hubspot_by(&w, "line_items", "qbo_line_key");
    assert!(
        !synced.contains_key(&line_key(&removed[0])),
        "the removed line is archived"
    );
    for l in kept {
        assert!(synced.contains_key(&line_key(l)), "{} kept", line_key(l));
    }
    let associated = common::invoice_associations(&w, &format!("{US}:{id}"), "line_items").len();
    assert_eq!(associated, kept.len(), "the invoice's live lines");
}

//! The sync end to end: the real handler and clients against moto (DynamoDB, Secrets Manager, SQS) and
//! both simulators, the queue drained by a poller that behaves like Lambda's SQS event source.

mod common;

use common::{hubspot_by, ids, qbo_pick, qbo_records};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use test_support::world::{World, PORTAL, UK, US};

const BUDGET: Duration = Duration::from_secs(600);

#[tokio::test]
async fn a_first_sync_brings_every_customer_item_and_invoice_and_a_second_finds_nothing_to_do() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    for realm in [US, UK] {
        let contacts = hubspot_by(&w, "contacts", "qbo_customer_key");
        // An inactive customer is not brought in; had it been synced before, it would be marked inactive.
        for c in qbo_records(&w, realm, "Customer")
            .into_iter()
            .filter(|c| c["Active"] != false)
        {
            let key = format!("{realm}:{}", c["Id"].as_str().unwrap());
            let email = c
                .pointer("/PrimaryEmailAddr/Address")
                .and_then(Value::as_str);
            let found = contacts.contains_key(&key)
                || email.is_some_and(|e| {
                    hubspot_by(&w, "contacts", "email").contains_key(&e.to_lowercase())
                });
            assert!(found, "customer {key} has no contact");
        }
        let products = hubspot_by(&w, "products", "qbo_item_key");
        for i in qbo_records(&w, realm, "Item")
            .into_iter()
            .filter(|i| i["Active"] != false)
        {
            let key = format!("{realm}:{}", i["Id"].as_str().unwrap());
            let p = products
                .get(&key)
                .unwrap_or_else(|| panic!("item {key} has no product"));
            assert_eq!(p.get("name").map(String::as_str), i["Name"].as_str());
        }
        let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
        for i in qbo_records(&w, realm, "Invoice") {
            let key = format!("{realm}:{}", i["Id"].as_str().unwrap());
            let inv = invoices
                .get(&key)
                .unwrap_or_else(|| panic!("invoice {key} missing"));
            assert_eq!(inv["hs_invoice_billable"], "false");
            assert!(!inv["qbo_invoice_status"].is_empty());
        }
    }

    // Nothing changed: one CDC call per company, no HubSpot call.
    let hubspot_before = w.hubspot.requests().len();
    let qbo_before = w.qbo.requests().len();
    common::tick(&w.app, &q, BUDGET).await;
    let qbo_calls: Vec<String> = w.qbo.requests()[qbo_before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(qbo_calls.len(), 3, "{qbo_calls:#?}");
    assert!(
        qbo_calls.iter().all(|c| c.contains("/cdc")),
        "{qbo_calls:#?}"
    );
    let hubspot_calls: Vec<String> = w.hubspot.requests()[hubspot_before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(hubspot_calls.is_empty(), "{hubspot_calls:#?}");
}

#[tokio::test]
async fn changes_in_quickbooks_reach_hubspot_on_the_next_run_with_one_cdc_call() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    let renamed = qbo_pick(&w, US, "Customer", |c| {
        c["Active"] != false && c["GivenName"].is_string()
    });
    let mut rename = ids(&renamed);
    rename["GivenName"] = "Grace".into();
    w.qbo_post(US, "customer", rename).await;
    let item = qbo_pick(&w, US, "Item", |i| i["Active"] != false);
    let mut reprice = ids(&item);
    reprice["UnitPrice"] = serde_json::json!(1234567.125);
    w.qbo_post(US, "item", reprice).await;
    let open = |i: &Value| i["Balance"].as_f64().is_some_and(|b| b > 0.0);
    let voided = qbo_pick(&w, US, "Invoice", open);
    w.qbo_post(
        US,
        "invoice?operation=void",
        serde_json::json!({"Id": voided["Id"], "SyncToken": voided["SyncToken"]}),
    )
    .await;
    let deleted = qbo_pick(&w, US, "Invoice", |i| open(i) && i["Id"] != voided["Id"]);
    w.qbo_post(
        US,
        "invoice?operation=delete",
        serde_json::json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]}),
    )
    .await;

    let qbo_before = w.qbo.requests().len();
    common::tick(&w.app, &q, BUDGET).await;
    let us_calls: Vec<String> = w.qbo.requests()[qbo_before..]
        .iter()
        .filter(|r| r.path.contains(US))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(us_calls, [format!("GET /v3/company/{US}/cdc")]);

    let key = |r: &Value| format!("{US}:{}", r["Id"].as_str().unwrap());
    let contacts = hubspot_by(&w, "contacts", "qbo_customer_key");
    let email = renamed
        .pointer("/PrimaryEmailAddr/Address")
        .and_then(Value::as_str);
    let contact = contacts.get(&key(&renamed)).cloned().or_else(|| {
        email.and_then(|e| {
            hubspot_by(&w, "contacts", "email")
                .get(&e.to_lowercase())
                .cloned()
        })
    });
    assert_eq!(contact.unwrap()["firstname"], "Grace");
    assert_eq!(
        hubspot_by(&w, "products", "qbo_item_key")[&key(&item)]["price"],
        "1234567.125"
    );
    let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
    assert_eq!(invoices[&key(&voided)]["qbo_invoice_status"], "Voided");
    assert_eq!(invoices[&key(&deleted)]["qbo_invoice_status"], "Deleted");
}

/// Everything the sync wrote to HubSpot, by object and key, without what HubSpot stamps itself (ids, dates).
fn synced_state(w: &World) -> BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>> {
    let keyed = [
        ("contacts", "qbo_customer_key"),
        ("products", "qbo_item_key"),
        ("invoices", "qbo_invoice_key"),
        ("line_items", "qbo_line_key"),
    ];
    keyed
        .into_iter()
        .map(|(object, key)| {
            let records = hubspot_by(w, object, key)
                .into_iter()
                .map(|(k, mut props)| {
                    props.retain(|name, _| {
                        !(name.contains("date")
                            || name.starts_with("hs_object")
                            || name.starts_with("hs_created")
                            || name.starts_with("hs_last")
                            || name.starts_with("hs_updated"))
                    });
                    (k, props)
                })
                .collect();
            (object.to_string(), records)
        })
        .collect()
}

#[tokio::test]
async fn a_run_cut_short_at_every_page_ends_where_one_long_run_ends() {
    let long = World::new().await;
    long.without_rate_limits().await;
    let q = common::queue(&long.h).await;
    common::tick(&long.app, &q, BUDGET).await;

    let cut = World::new().await;
    cut.without_rate_limits().await;
    let q = common::queue(&cut.h).await;
    // No time beyond the margin: every invocation applies one page and queues the rest.
    let invocations = common::tick(&cut.app, &q, scheduled_sync::PAGE_MARGIN).await;
    assert!(invocations >= 3, "{invocations} invocations");
    assert_eq!(synced_state(&cut), synced_state(&long));
    assert!(!synced_state(&long)["invoices"].is_empty());
}

#[tokio::test]
async fn an_existing_contact_is_matched_by_email_and_a_customer_without_one_still_gets_a_contact() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let customer = qbo_pick(&w, US, "Customer", |c| {
        c["Active"] != false && c.pointer("/PrimaryEmailAddr/Address").is_some()
    });
    let email = customer
        .pointer("/PrimaryEmailAddr/Address")
        .and_then(Value::as_str)
        .unwrap();
    // The customer's e-mail on a contact HubSpot already has (the demo account may hold one).
    let seeded = w.hubspot.with_state(|s| {
        s.objects["contacts"]
            .values()
            .find(|r| {
                r.properties
                    .get("email")
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|r| r.id.to_string())
    });
    let existing = match seeded {
        Some(id) => id,
        None => {
            let contact = serde_json::json!({"properties": {"email": email.to_uppercase(), "firstname": "Already here"}});
            w.hubspot_create("contacts", contact).await
        }
    };
    w.qbo_post(
        US,
        "customer",
        serde_json::json!({"DisplayName": "No Mail Ltd", "CompanyName": "No Mail Ltd"}),
    )
    .await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    let with_email: Vec<String> = w.hubspot.with_state(|s| {
        s.objects["contacts"]
            .values()
            .filter(|r| r.archived_at.is_none())
            .filter(|r| {
                r.properties
                    .get("email")
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .map(|r| r.id.to_string())
            .collect()
    });
    assert_eq!(
        with_email,
        std::slice::from_ref(&existing),
        "matched, not duplicated"
    );
    let contact = w.hubspot.with_state(|s| {
        s.objects["contacts"][&existing.parse::<u64>().unwrap()]
            .properties
            .clone()
    });
    assert!(contact["qbo_customer_key"].starts_with(US), "{contact:#?}");
    let realm = US.parse().unwrap();
    let ids = shared::sync::idmap::IdMap {
        store: &w.app.store,
        portal_id: PORTAL,
        realm_id: &realm,
    };
    let id = customer["Id"].as_str().unwrap();
    let mapped = ids
        .find(shared::sync::SyncObject::Contacts, &[id])
        .await
        .unwrap();
    assert_eq!(
        mapped.get(id),
        Some(&existing),
        "the customer's contact is the one HubSpot had"
    );

    let no_mail = hubspot_by(&w, "contacts", "company")
        .remove("No Mail Ltd")
        .expect("a contact for the customer without an e-mail");
    assert_eq!(no_mail["firstname"], "No Mail Ltd");
    assert!(no_mail["qbo_customer_key"].starts_with(US));
}

#[tokio::test]
async fn a_record_hubspot_refuses_is_kept_with_its_reason_and_applied_once_fixed() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let created = w
        .qbo_post(US, "customer", serde_json::json!({"DisplayName": "Typo Inc", "PrimaryEmailAddr": {"Address": "not-an-email"}}))
        .await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    let realm = US.parse().unwrap();
    let failures = shared::sync::failures::Failures {
        store: &w.app.store,
        portal_id: PORTAL,
        realm_id: &realm,
    };
    let failed = failures.list().await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(
        failed[0].qbo_id,
        created["Customer"]["Id"].as_str().unwrap()
    );
    assert!(
        failed[0].reason.contains("HubSpot refused it"),
        "{}",
        failed[0].reason
    );
    // Everything else arrived.
    assert!(
        hubspot_by(&w, "invoices", "qbo_invoice_key").len() >= qbo_records(&w, US, "Invoice").len()
    );

    let mut fix = ids(&created["Customer"]);
    fix["PrimaryEmailAddr"] = serde_json::json!({"Address": "typo@example.com"});
    w.qbo_post(US, "customer", fix).await;
    common::tick(&w.app, &q, BUDGET).await;
    assert!(failures.list().await.unwrap().is_empty());
    assert!(hubspot_by(&w, "contacts", "email").contains_key("typo@example.com"));
}

#[tokio::test]
async fn throttling_and_garbled_answers_from_both_sides_delay_the_sync_but_lose_nothing() {
    let reference = World::new().await;
    reference.without_rate_limits().await;
    let q = common::queue(&reference.h).await;
    common::tick(&reference.app, &q, BUDGET).await;

    let w = World::new().await;
    w.without_rate_limits().await;
    let fault = |path: &str, kind: Value, count: u32| serde_json::json!({"path_contains": path, "kind": kind, "count": count});
    let throttled = serde_json::json!({"type": "status", "status": 429,
        "body": "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\",\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}"});
    w.control(
        &w.hubspot.base_url(),
        "/_sim/faults",
        fault("/batch/upsert", throttled, 3),
    )
    .await;
    w.control(
        &w.qbo.base_url(),
        "/_sim/faults",
        fault("/query", serde_json::json!({"type": "malformed_json"}), 2),
    )
    .await;
    w.control(
        &w.hubspot.base_url(),
        "/_sim/faults",
        fault("/associations", serde_json::json!({"type": "truncated"}), 1),
    )
    .await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    // Failed deliveries come back after the visibility timeout.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        common::drain(&w.app, &q, BUDGET).await;
    }
    assert_eq!(synced_state(&w), synced_state(&reference));
    assert_eq!(q.waiting(&q.dead_letters_url).await.unwrap(), 0);
}

#[tokio::test]
async fn a_company_that_needs_reconnecting_stops_its_sync_without_a_retry_loop() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    w.control(
        &w.qbo.base_url(),
        "/_sim/revoke",
        serde_json::json!({"realm_id": US, "refresh_tokens": true}),
    )
    .await;
    w.reissue_tokens().await;
    w.control(
        &w.qbo.base_url(),
        "/_sim/revoke",
        serde_json::json!({"realm_id": US, "refresh_tokens": true}),
    )
    .await;
    common::tick(&w.app, &q, BUDGET).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        common::drain(&w.app, &q, BUDGET).await,
        0,
        "nothing comes back"
    );
    assert_eq!(q.waiting(&q.dead_letters_url).await.unwrap(), 0);
    let connection: shared::connections::Connection = w
        .app
        .store
        .get(
            &shared::store::keys::connection(PORTAL.into(), &US.parse().unwrap()),
            chrono::Utc::now().timestamp(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        connection.status,
        shared::connections::Status::ReconnectNeeded
    );
}

#[tokio::test]
async fn a_company_not_synced_for_45_days_is_read_again_in_full() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    // The cursors last moved 45 days ago: CDC cannot look back that far.
    let realm: shared::ids::RealmId = US.parse().unwrap();
    for object in shared::sync::SyncObject::ALL {
        let mut cursor = shared::sync::cursor::Cursor::load(&w.app.store, PORTAL, &realm, object)
            .await
            .unwrap();
        assert!(cursor.since.is_some());
        cursor.moved_at = Some(chrono::Utc::now() - chrono::Duration::days(45));
        let key = shared::store::keys::sync_cursor(PORTAL.into(), &realm, object.entity());
        w.app
            .store
            .save(&key, &cursor, chrono::Utc::now().timestamp())
            .await
            .unwrap();
    }
    let before = synced_state(&w);
    let qbo_before = w.qbo.requests().len();
    common::tick(&w.app, &q, BUDGET).await;
    let us_calls: Vec<String> = w.qbo.requests()[qbo_before..]
        .iter()
        .filter(|r| r.path.contains(US))
        .map(|r| r.path.clone())
        .collect();
    let queries = us_calls.iter().filter(|p| p.ends_with("/query")).count();
    assert!(queries >= 3, "one scan per object: {us_calls:#?}");
    assert_eq!(
        synced_state(&w),
        before,
        "reading everything again changes nothing"
    );
}

#[tokio::test]
async fn each_object_follows_its_settings_for_changes_and_deletes() {
    use shared::sync::settings::{OnChange, OnDelete, SyncSettings};
    use shared::sync::SyncObject;
    let w = World::new().await;
    w.without_rate_limits().await;
    let realm: shared::ids::RealmId = US.parse().unwrap();
    let mut settings = SyncSettings::default();
    let object = |s: &SyncSettings, o| s.objects[&o].clone();
    let mut products = object(&settings, SyncObject::Products);
    products.on_change = OnChange::Nothing;
    let mut contacts = object(&settings, SyncObject::Contacts);
    contacts.on_change = OnChange::UpdateOnly;
    let mut invoices = object(&settings, SyncObject::Invoices);
    invoices.on_delete = OnDelete::Archive;
    settings.objects.insert(SyncObject::Products, products);
    settings.objects.insert(SyncObject::Contacts, contacts);
    settings.objects.insert(SyncObject::Invoices, invoices);
    let key = shared::store::keys::sync_settings(PORTAL.into(), &realm);
    w.app
        .store
        .save(&key, &settings, chrono::Utc::now().timestamp())
        .await
        .unwrap();

    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    let us = |records: BTreeMap<String, BTreeMap<String, String>>| {
        records.into_keys().filter(|k| k.starts_with(US)).count()
    };
    assert_eq!(
        us(hubspot_by(&w, "products", "qbo_item_key")),
        0,
        "products: nothing"
    );
    assert_eq!(
        us(hubspot_by(&w, "contacts", "qbo_customer_key")),
        0,
        "contacts: update only"
    );
    let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
    assert!(us(invoices.clone()) > 0);

    let open = |i: &Value| i["Balance"].as_f64().is_some_and(|b| b > 0.0);
    let deleted = qbo_pick(&w, US, "Invoice", open);
    let body = serde_json::json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]});
    w.qbo_post(US, "invoice?operation=delete", body).await;
    common::tick(&w.app, &q, BUDGET).await;
    let gone = format!("{US}:{}", deleted["Id"].as_str().unwrap());
    assert!(invoices.contains_key(&gone));
    assert!(
        !hubspot_by(&w, "invoices", "qbo_invoice_key").contains_key(&gone),
        "archived"
    );
}

#[tokio::test]
async fn a_voided_invoice_reaches_the_deal_it_is_linked_to_with_the_card_s_own_code() {
    use shared::documents::links::Link;
    use shared::ids::{Record, RecordType};
    let w = World::new().await;
    w.without_rate_limits().await;
    let open = |i: &Value| i["Balance"].as_f64().is_some_and(|b| b > 0.0);
    let invoice = qbo_pick(&w, US, "Invoice", open);
    let doc: shared::quickbooks::entities::Document =
        serde_json::from_value(invoice.clone()).unwrap();
    let realm: shared::ids::RealmId = US.parse().unwrap();
    let now = chrono::Utc::now();
    let snapshot = shared::domain::snapshot::Snapshot::of(
        &realm,
        shared::quickbooks::entities::DocType::Invoice,
        &doc,
        "USD",
        now.fixed_offset(),
        now,
    );
    // What the card does when a rep links the invoice to deal 401.
    let link = Link {
        portal_id: PORTAL,
        record: Record::new(RecordType::Deals, "401").unwrap(),
        snapshot,
        linked_at: now,
    };
    link.save(&w.app.store).await.unwrap();

    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;
    let key = format!("{US}:{}", invoice["Id"].as_str().unwrap());
    let hs_invoice = w.hubspot.with_state(|s| {
        s.objects["invoices"]
            .values()
            .find(|r| r.properties.get("qbo_invoice_key") == Some(&key))
            .map(|r| r.id)
            .expect("the invoice in HubSpot")
    });
    let to_deal = w.hubspot.with_state(|s| {
        s.associations_of("invoices", hs_invoice, "deals")
            .iter()
            .map(|a| a.to_id)
            .collect::<Vec<_>>()
    });
    assert_eq!(to_deal, [401], "the invoice is associated with its deal");

    let body = serde_json::json!({"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]});
    w.qbo_post(US, "invoice?operation=void", body).await;
    common::tick(&w.app, &q, BUDGET).await;
    let deal = w
        .hubspot_record("deals", "401", &["qbo_invoice_status", "qbo_invoice_id"])
        .await;
    assert_eq!(deal["qbo_invoice_id"], invoice["Id"]);
    assert_eq!(deal["qbo_invoice_status"], "Voided");
}

//! The sync under the conditions that lose records in naive syncs: a CDC answer at QuickBooks' 1,000-object
//! cap, a kill between a HubSpot write and its checkpoint, and a HubSpot batch that only partly succeeds.

mod common;

use common::{hubspot_by, ids, qbo_pick, synced_state, BUDGET};
use serde_json::{json, Value};
use shared::sync::run::{run, Deadline, Ending};
use shared::sync::Job;
use std::collections::BTreeMap;
use std::time::Instant;
use test_support::world::{World, CA, PORTAL, UK, US};

#[tokio::test]
async fn a_cdc_answer_at_the_cap_falls_back_to_paged_queries_and_loses_nothing() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    // Oldest first: a price change, then more new customers than one CDC answer holds, then a void that
    // the capped answer leaves out.
    let item = qbo_pick(&w, US, "Item", |i| i["Active"] != false);
    let mut reprice = ids(&item);
    reprice["UnitPrice"] = json!(77.5);
    w.qbo_post(US, "item", reprice).await;
    const NEW: usize = 1_050;
    let mut created = Vec::with_capacity(NEW);
    for n in 0..NEW {
        let customer = w
            .qbo_post(
                US,
                "customer",
                json!({"DisplayName": format!("Cap Customer {n:04}")}),
            )
            .await;
        created.push(customer["Customer"]["Id"].as_str().unwrap().to_string());
    }
    let voided = qbo_pick(&w, US, "Invoice", common::open_invoice);
    w.qbo_post(
        US,
        "invoice?operation=void",
        json!({"Id": voided["Id"], "SyncToken": voided["SyncToken"]}),
    )
    .await;

    let before = w.qbo.requests().len();
    common::tick(&w.app, &q, BUDGET).await;
    let us_calls: Vec<String> = w.qbo.requests()[before..]
        .iter()
        .filter(|r| r.path.contains(US))
        .map(|r| r.path.clone())
        .collect();
    assert!(us_calls.iter().any(|p| p.ends_with("/cdc")), "{us_calls:?}");
    assert!(
        us_calls.iter().any(|p| p.ends_with("/query")),
        "a capped CDC answer falls back to queries: {us_calls:?}"
    );

    let contacts = hubspot_by(&w, "contacts", "qbo_customer_key");
    let missing: Vec<&String> = created
        .iter()
        .filter(|id| !contacts.contains_key(&format!("{US}:{id}")))
        .collect();
    assert!(missing.is_empty(), "{} customers lost", missing.len());
    let key = |r: &Value| format!("{US}:{}", r["Id"].as_str().unwrap());
    assert_eq!(
        hubspot_by(&w, "products", "qbo_item_key")[&key(&item)]["price"],
        "77.5"
    );
    assert_eq!(
        hubspot_by(&w, "invoices", "qbo_invoice_key")[&key(&voided)]["qbo_invoice_status"],
        "Voided",
        "the change after the cap arrives too"
    );
}

/// How many live records of each object HubSpot holds, and how many associations: a duplicate shows here
/// even where a key would hide it.
fn counts(w: &World) -> (BTreeMap<String, usize>, usize) {
    w.hubspot.with_state(|s| {
        let records = s
            .objects
            .iter()
            .map(|(object, records)| {
                let live = records.values().filter(|r| r.archived_at.is_none()).count();
                (object.clone(), live)
            })
            .collect();
        (records, s.associations.len())
    })
}

/// Syncs every company of the world once, as restarts after a crash would: each run that fails is run
/// again from its checkpoint. Returns the failed runs.
async fn sync_all_restarting(w: &World) -> usize {
    let mut crashed = 0;
    for realm in [US, UK, CA] {
        let job = Job {
            portal_id: PORTAL,
            realm_id: realm.parse().unwrap(),
            objects: None,
            changed_at: None,
        };
        loop {
            let deadline = Deadline {
                stop_at: Instant::now() + BUDGET,
            };
            match Box::pin(run(&w.app, &job, &deadline)).await {
                Ok((Ending::Done, _)) => break,
                Ok((ending, _)) => panic!("{realm}: {ending:?}"),
                Err(_) => {
                    crashed += 1;
                    assert!(crashed < 50, "the run never gets past its crash");
                }
            }
        }
    }
    crashed
}

/// Changes in QuickBooks that make the next sync update, mark and archive: an invoice deleted, a customer
/// deactivated, a line removed from an invoice. The same in every world (the seeds are the same).
async fn change_quickbooks(w: &World) {
    let deleted = qbo_pick(w, US, "Invoice", common::open_invoice);
    w.qbo_post(
        US,
        "invoice?operation=delete",
        json!({"Id": deleted["Id"], "SyncToken": deleted["SyncToken"]}),
    )
    .await;
    let customer = qbo_pick(w, US, "Customer", |c| {
        c["Active"] != false && c["Balance"].as_f64().unwrap_or(0.0) == 0.0
    });
    let mut off = ids(&customer);
    off["Active"] = json!(false);
    w.qbo_post(US, "customer", off).await;
    let invoice = qbo_pick(w, US, "Invoice", |i| common::sales_lines(i).len() >= 2);
    let mut fewer = ids(&invoice);
    fewer["Line"] = json!([common::sales_lines(&invoice)[0]]);
    w.qbo_post(US, "invoice", fewer).await;
    // The invoices' lines are archived by the sync with its usual settings; archiving records outright is
    // the contacts' setting here, so that a batch archive is among the writes.
    let mut settings = shared::sync::settings::SyncSettings::default();
    let mut contacts = settings.of(shared::sync::SyncObject::Contacts);
    contacts.on_delete = shared::sync::settings::OnDelete::Archive;
    settings
        .objects
        .insert(shared::sync::SyncObject::Contacts, contacts);
    common::save_settings(w, US, &settings).await;
}

/// A first sync, changes in QuickBooks, and the sync of those changes; returns the crashed runs.
async fn first_sync_then_changes(w: &World) -> usize {
    let first = sync_all_restarting(w).await;
    change_quickbooks(w).await;
    first + sync_all_restarting(w).await
}

/// The HubSpot writes a sync makes, by the path part that names them.
const WRITES: [&str; 4] = [
    "/batch/upsert",
    "/batch/update",
    "/batch/archive",
    "/batch/create",
];

#[tokio::test]
async fn a_kill_after_any_hubspot_write_then_a_restart_ends_as_an_uninterrupted_run() {
    let reference = World::new().await;
    reference.without_rate_limits().await;
    assert_eq!(first_sync_then_changes(&reference).await, 0);
    let writes: Vec<(&str, usize)> = WRITES
        .iter()
        .map(|w| {
            let made = reference
                .hubspot
                .requests()
                .iter()
                .filter(|r| r.method == "POST" && r.path.contains(w))
                .count();
            (*w, made)
        })
        .collect();
    let total: usize = writes.iter().map(|(_, n)| n).sum();
    assert!(writes.iter().all(|(_, n)| *n > 0), "{writes:?}");
    eprintln!("killed after each of {total} HubSpot writes: {writes:?}");

    for (write, made) in writes {
        for k in 0..made {
            let w = World::new().await;
            w.without_rate_limits().await;
            // The k-th such write is made in HubSpot, then its answer is lost: the run ends before its
            // checkpoint, as a Lambda killed at that moment would, and starts again from the last one.
            w.hubspot.with_state(|s| {
                s.recorder.faults.push(hubspot_sim::FaultRule {
                    path_contains: write.into(),
                    method: Some("POST".into()),
                    kind: hubspot_sim::FaultKind::AnswerLost,
                    count: 1,
                    skip: u32::try_from(k).unwrap(),
                    delay_ms: 0,
                })
            });
            assert_eq!(
                first_sync_then_changes(&w).await,
                1,
                "{write} #{k}: one crash"
            );
            assert_eq!(synced_state(&w), synced_state(&reference), "{write} #{k}");
            assert_eq!(counts(&w), counts(&reference), "{write} #{k}");
        }
    }
}

#[tokio::test]
async fn a_207_on_an_association_batch_records_the_failed_one_with_its_reason_and_keeps_the_rest() {
    let w = World::new().await;
    w.without_rate_limits().await;
    let invoice = qbo_pick(&w, US, "Invoice", common::open_invoice);
    // Linked by the card to deal 401, and to a deal deleted in HubSpot since.
    for deal in ["401", "987654"] {
        common::link_to_deal(&w, US, &invoice, deal).await;
    }
    let q = common::queue(&w.h).await;
    common::tick(&w.app, &q, BUDGET).await;

    let key = format!("{US}:{}", invoice["Id"].as_str().unwrap());
    let to = |object: &str| common::invoice_associations(&w, &key, object);
    let (deals, contacts, lines) = (to("deals"), to("contacts"), to("line_items"));
    assert_eq!(deals, [401], "the association HubSpot could make is made");
    assert_eq!(contacts.len(), 1);
    assert!(!lines.is_empty());

    let failed = common::failures(&w, US).await;
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0].qbo_id, invoice["Id"].as_str().unwrap());
    assert!(
        failed[0].reason.contains("deals 987654")
            && failed[0]
                .reason
                .contains("One or more associations are invalid"),
        "{}",
        failed[0].reason
    );
    // Every other invoice arrived with its associations.
    let invoices = hubspot_by(&w, "invoices", "qbo_invoice_key");
    assert!(invoices.len() >= w.qbo_entities(US, "Invoice").len());
}

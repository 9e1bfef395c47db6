//! The sync's settings and health API (SYNC_API.md) end to end: the real handler, moto and both
//! simulators. What a saved setting does to the next run is in `functions/scheduled-sync/tests/settings.rs`.

mod common;

use common::{call, save_body};
use serde_json::{json, Value};
use shared::store::keys;
use shared::sync::failures::{Failure, Failures};
use shared::sync::SyncObject;
use test_support::world::{World, PORTAL, UK, US};

fn settings_path() -> String {
    format!("/sync/settings?realmId={US}")
}

async fn read_settings(w: &World) -> Value {
    common::get_ok(w, &settings_path()).await
}

fn mapping<'a>(settings: &'a Value, object: &str, target: &str) -> &'a Value {
    settings["objects"][object]["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["target"] == target)
        .unwrap_or_else(|| panic!("no {object} mapping onto {target}: {settings}"))
}

fn push_mapping(body: &mut Value, object: &str, m: Value) -> usize {
    let list = body["objects"][object]["mappings"].as_array_mut().unwrap();
    list.push(m);
    list.len()
}

#[tokio::test]
async fn settings_start_as_the_defaults_and_a_save_keeps_what_was_sent_with_a_new_version() {
    let w = World::new().await;
    let settings = read_settings(&w).await;
    assert_eq!(settings["realmId"], US);
    assert_eq!(settings["version"], 0);
    let contacts = &settings["objects"]["contacts"];
    assert_eq!(contacts["enabled"], true);
    assert_eq!(contacts["onChange"], "create_and_update");
    assert_eq!(contacts["onDelete"], "mark_inactive");
    assert_eq!(
        mapping(&settings, "contacts", "firstname"),
        &json!({"sources": ["GivenName", "DisplayName"], "target": "firstname", "shape": "text", "isDefault": true, "locked": false})
    );
    assert_eq!(
        mapping(&settings, "contacts", "qbo_customer_key"),
        &json!({"sources": ["Id"], "target": "qbo_customer_key", "shape": "text", "isDefault": true, "locked": true})
    );
    assert_eq!(mapping(&settings, "invoices", "qbo_total")["locked"], true);

    let mut body = save_body(&settings);
    body["objects"]["products"]["enabled"] = json!(false);
    body["objects"]["invoices"]["onDelete"] = json!("archive");
    push_mapping(
        &mut body,
        "contacts",
        json!({"sources": ["Notes"], "target": "jobtitle", "shape": "text", "isDefault": true}),
    );
    // The page may leave the locked mappings out: they are kept.
    let contacts = body["objects"]["contacts"]["mappings"]
        .as_array_mut()
        .unwrap();
    contacts.retain(|m| !m["target"].as_str().unwrap().starts_with("qbo_"));
    let (status, saved) = call(&w, None, "PUT", &settings_path(), Some(&body)).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["objects"]["products"]["enabled"], false);
    assert_eq!(saved["objects"]["invoices"]["onDelete"], "archive");
    assert_eq!(
        mapping(&saved, "contacts", "jobtitle"),
        &json!({"sources": ["Notes"], "target": "jobtitle", "shape": "text", "isDefault": false, "locked": false}),
        "the server decides isDefault"
    );
    assert_eq!(mapping(&saved, "contacts", "qbo_balance")["locked"], true);
    assert_eq!(
        mapping(&saved, "contacts", "qbo_customer_key")["locked"],
        true
    );
    assert_eq!(read_settings(&w).await, saved);
}

#[tokio::test]
async fn every_mapping_the_sync_cannot_apply_is_refused_by_its_number_and_nothing_is_saved() {
    let w = World::new().await;
    let settings = read_settings(&w).await;
    let base = save_body(&settings);
    let m = |sources: &[&str], target: &str, shape: &str| json!({"sources": sources, "target": target, "shape": shape});
    let cases = [
        (
            "contacts",
            m(&["Nickname"], "jobtitle", "text"),
            "QuickBooks has no Customer field \"Nickname\"",
        ),
        (
            "contacts",
            m(&["Notes"], "favourite_colour", "text"),
            "HubSpot has no contact property \"favourite_colour\"",
        ),
        (
            "contacts",
            m(&["Notes"], "lastmodifieddate", "text"),
            "HubSpot calculates",
        ),
        (
            "invoices",
            m(&["TotalAmt"], "hs_balance_due", "number"),
            "HubSpot calculates",
        ),
        (
            "products",
            m(&["Description"], "hs_cost_of_goods_sold", "text"),
            "cannot take text",
        ),
        (
            "products",
            m(&["Description"], "hs_cost_of_goods_sold", "number"),
            "is text, it cannot be written as a number",
        ),
        (
            "products",
            m(&["Type"], "hs_product_type", "text"),
            "has no option \"Inventory\"",
        ),
        (
            "contacts",
            m(&["Notes"], "lifecyclestage", "text"),
            "free text",
        ),
        (
            "contacts",
            m(&["Notes"], "city", "text"),
            "another mapping already writes \"city\"",
        ),
        (
            "invoices",
            m(&["DocNumber"], "qbo_realm_id", "text"),
            "the sync writes \"qbo_realm_id\" itself",
        ),
        (
            "invoices",
            m(&["TxnDate"], "hs_comments", "date"),
            "cannot take a date",
        ),
        (
            "contacts",
            m(&[], "jobtitle", "text"),
            "choose the QuickBooks field",
        ),
    ];
    for (object, bad, words) in cases {
        let mut body = base.clone();
        let n = push_mapping(&mut body, object, bad.clone());
        let (status, err) = call(&w, None, "PUT", &settings_path(), Some(&body)).await;
        assert_eq!(status, 400, "{bad}: {err}");
        assert_eq!(err["error"]["code"], "invalid_mapping", "{err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "{object} mapping {n} (→ \"{}\"): ",
                bad["target"].as_str().unwrap()
            )),
            "{message}"
        );
        assert!(message.contains(words), "{message}");
    }
    // A locked mapping changed where it stands.
    let mut body = base.clone();
    let list = body["objects"]["invoices"]["mappings"]
        .as_array_mut()
        .unwrap();
    let at = list
        .iter()
        .position(|m| m["target"] == "qbo_total")
        .unwrap();
    list[at]["sources"] = json!(["Balance"]);
    let (status, err) = call(&w, None, "PUT", &settings_path(), Some(&body)).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("invalid_mapping"))
    );
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("invoices mapping {} ", at + 1)),
        "{message}"
    );
    assert!(message.contains("cannot be changed"), "{message}");

    // Malformed documents are bad requests.
    let mut unknown_field = base.clone();
    unknown_field["objects"]["contacts"]["colour"] = json!("blue");
    let mut missing_object = base.clone();
    missing_object["objects"]
        .as_object_mut()
        .unwrap()
        .remove("invoices");
    let mut bad_enum = base.clone();
    bad_enum["objects"]["contacts"]["onDelete"] = json!("delete");
    let mut wrong_type = base.clone();
    wrong_type["objects"]["contacts"]["enabled"] = json!("yes");
    let mut bad_shape = base.clone();
    push_mapping(
        &mut bad_shape,
        "contacts",
        m(&["Notes"], "jobtitle", "html"),
    );
    for body in [
        unknown_field,
        missing_object,
        bad_enum,
        wrong_type,
        bad_shape,
    ] {
        let (status, err) = call(&w, None, "PUT", &settings_path(), Some(&body)).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{err}"
        );
    }
    let (status, _) = {
        let req = test_support::signed_request(
            "PUT",
            &format!("{}&portalId={PORTAL}", settings_path()),
            "{not json",
        );
        test_support::json_of(oauth_callback::handle(&w.app, req).await.unwrap())
    };
    assert_eq!(status, 400);
    assert_eq!(read_settings(&w).await, settings, "nothing was saved");
}

#[tokio::test]
async fn of_two_saves_from_the_same_version_one_wins_and_the_other_changes_nothing() {
    let w = World::new().await;
    let settings = read_settings(&w).await;
    let mut first = save_body(&settings);
    first["objects"]["contacts"]["enabled"] = json!(false);
    let mut second = save_body(&settings);
    second["objects"]["products"]["onChange"] = json!("nothing");
    push_mapping(
        &mut second,
        "contacts",
        json!({"sources": ["Notes"], "target": "jobtitle", "shape": "text"}),
    );
    let path = settings_path();
    let (a, b) = tokio::join!(
        call(&w, None, "PUT", &path, Some(&first)),
        call(&w, None, "PUT", &path, Some(&second)),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let (winner, loser) = if a.0 == 200 { (a.1, b.1) } else { (b.1, a.1) };
    assert_eq!(loser["error"]["code"], "conflict");
    assert_eq!(
        read_settings(&w).await,
        winner,
        "the refused save left nothing behind"
    );

    // A save from a version read before the last save is refused, whoever makes it.
    let (status, err) = call(&w, None, "PUT", &settings_path(), Some(&first)).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (409, Some("conflict"))
    );
    let mut again = save_body(&winner);
    again["objects"]["invoices"]["enabled"] = json!(false);
    let (status, saved) = call(&w, None, "PUT", &settings_path(), Some(&again)).await;
    assert_eq!(
        (status, saved["version"].as_u64()),
        (200, Some(2)),
        "{saved}"
    );
}

#[tokio::test]
async fn reset_puts_one_object_s_mappings_back_and_keeps_its_switches() {
    let w = World::new().await;
    let settings = read_settings(&w).await;
    let mut body = save_body(&settings);
    body["objects"]["contacts"]["onChange"] = json!("update_only");
    let list = body["objects"]["contacts"]["mappings"]
        .as_array_mut()
        .unwrap();
    list.retain(|m| m["target"] != "phone");
    push_mapping(
        &mut body,
        "contacts",
        json!({"sources": ["Mobile.FreeFormNumber"], "target": "mobilephone", "shape": "text"}),
    );
    push_mapping(
        &mut body,
        "products",
        json!({"sources": ["PurchaseCost"], "target": "hs_cost_of_goods_sold", "shape": "number"}),
    );
    let (status, saved) = call(&w, None, "PUT", &settings_path(), Some(&body)).await;
    assert_eq!(status, 200, "{saved}");

    let (status, reset) = call(
        &w,
        None,
        "POST",
        &format!("/sync/settings/reset?realmId={US}&object=contacts"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(reset["version"], 2);
    assert_eq!(reset["objects"]["contacts"]["onChange"], "update_only");
    assert_eq!(
        reset["objects"]["contacts"]["mappings"],
        settings["objects"]["contacts"]["mappings"]
    );
    assert_eq!(
        reset["objects"]["products"], saved["objects"]["products"],
        "other objects keep theirs"
    );
    let (status, err) = call(
        &w,
        None,
        "POST",
        &format!("/sync/settings/reset?realmId={US}&object=deals"),
        None,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
}

#[tokio::test]
async fn fields_offer_quickbooks_fields_and_hubspot_properties_read_once_per_ten_minutes() {
    let w = World::new().await;
    let path = format!("/sync/fields?realmId={US}&object=contacts");
    let (status, fields) = call(&w, None, "GET", &path, None).await;
    assert_eq!(status, 200, "{fields}");
    assert_eq!(fields["object"], "contacts");
    let qbo = fields["quickbooks"].as_array().unwrap();
    assert!(qbo.contains(
        &json!({"path": "BillAddr.City", "label": "Billing address: city", "shape": "text"})
    ));
    assert!(qbo.contains(&json!({"path": "Balance", "label": "Open balance", "shape": "number"})));
    let hubspot = fields["hubspot"].as_array().unwrap();
    let find = |name: &str| {
        hubspot
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(find("lastmodifieddate")["readOnly"], true);
    assert_eq!(find("jobtitle")["readOnly"], false);
    assert_eq!(find("jobtitle")["type"], "string");
    let stages = find("lifecyclestage")["options"].as_array().unwrap();
    assert!(stages.contains(&json!({"value": "customer", "label": "customer"})));

    let reads = |w: &World| {
        w.hubspot
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/crm/v3/properties/contacts")
            .count()
    };
    assert_eq!(reads(&w), 1);
    let (status, again) = call(&w, None, "GET", &path, None).await;
    assert_eq!((status, &again), (200, &fields));
    assert_eq!(reads(&w), 1, "the second read comes from the cache");
    let (status, _) = call(&w, None, "GET", &format!("/sync/fields?realmId={US}"), None).await;
    assert_eq!(status, 400, "the object is required");
}

#[tokio::test]
async fn a_company_that_needs_reconnecting_still_shows_its_settings_and_health() {
    let w = World::new().await;
    let (status, health) = call(&w, None, "GET", &format!("/sync/health?realmId={UK}"), None).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["state"], "never_run");
    assert!(health["message"]
        .as_str()
        .unwrap()
        .contains("not been synced yet"));
    for object in ["contacts", "products", "invoices"] {
        assert_eq!(
            health["objects"][object],
            json!({"lastRun": null, "cursorAt": null, "failedCount": 0})
        );
    }

    let key = keys::connection(PORTAL.into(), &US.parse().unwrap());
    let now = chrono::Utc::now().timestamp();
    let mut connection: shared::connections::Connection =
        w.app.store.get(&key, now).await.unwrap().unwrap();
    connection.status = shared::connections::Status::ReconnectNeeded;
    connection.save(&w.app.store, now).await.unwrap();
    let (status, health) = call(&w, None, "GET", &format!("/sync/health?realmId={US}"), None).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["realmId"], US);
    assert_eq!(health["state"], "reconnect_needed");
    assert!(
        health["message"].as_str().unwrap().contains("reconnected"),
        "{health}"
    );
    assert_eq!(read_settings(&w).await["version"], 0);
    let q = common::queue(&w).await;
    let jobs = q.jobs();
    let (status, err) = call(
        &w,
        Some(&jobs),
        "POST",
        &format!("/sync/resync?realmId={US}&object=contacts"),
        None,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (409, Some("reconnect_needed"))
    );

    let (status, err) = call(
        &w,
        None,
        "GET",
        "/sync/health?realmId=4620816365000000",
        None,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = call(&w, None, "GET", "/sync/health?realmId=abc", None).await;
    assert_eq!(status, 400);
    let (status, _) = call(&w, None, "GET", "/sync/health", None).await;
    assert_eq!(status, 400);
}

fn failure(object: SyncObject, id: usize, failed_at: chrono::DateTime<chrono::Utc>) -> Failure {
    Failure {
        object,
        qbo_id: id.to_string(),
        reason: format!("HubSpot refused it: record {id} is not valid"),
        failed_at,
        name: Some(format!("Customer {id}")),
    }
}

#[tokio::test]
async fn failures_come_fifty_a_page_with_their_reasons_and_an_expired_one_never_shows() {
    let w = World::new().await;
    let realm = US.parse().unwrap();
    let store = Failures {
        store: &w.app.store,
        portal_id: PORTAL,
        realm_id: &realm,
    };
    let now = chrono::Utc::now();
    // Written in one batch with a live entry first, the old one's TTL lies ahead: only the read-side
    // check keeps it out.
    let mut batch = vec![failure(SyncObject::Contacts, 1, now)];
    batch.push(failure(
        SyncObject::Contacts,
        999,
        now - chrono::Duration::days(31),
    ));
    batch.extend((2..=55).map(|i| failure(SyncObject::Contacts, i, now)));
    batch.extend((1..=5).map(|i| failure(SyncObject::Products, i, now)));
    store.record(&batch).await.unwrap();

    let path = |object: &str, after: Option<&str>| {
        let mut p = format!("/sync/failures?realmId={US}");
        if !object.is_empty() {
            p.push_str(&format!("&object={object}"));
        }
        if let Some(a) = after {
            p.push_str(&format!(
                "&after={}",
                url::form_urlencoded::byte_serialize(a.as_bytes()).collect::<String>()
            ));
        }
        p
    };
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let (status, page) = call(&w, None, "GET", &path("contacts", after.as_deref()), None).await;
        assert_eq!(status, 200, "{page}");
        let failures = page["failures"].as_array().unwrap();
        assert!(failures.len() <= 50);
        for f in failures {
            assert_eq!(f["object"], "contacts");
            assert_eq!(f["hubspotId"], Value::Null);
            assert!(f["reason"].as_str().unwrap().contains("HubSpot refused it"));
            assert!(f["name"].as_str().unwrap().starts_with("Customer "));
            assert!(f["expiresAt"].as_str().unwrap() > f["failedAt"].as_str().unwrap());
            seen.push(f["qboId"].as_str().unwrap().to_string());
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 55, "{seen:?}");
    assert!(
        !seen.contains(&"999".to_string()),
        "the expired failure is not listed"
    );
    let (_, all) = call(&w, None, "GET", &path("", None), None).await;
    assert_eq!(all["failures"].as_array().unwrap().len(), 50);
    let (_, products) = call(&w, None, "GET", &path("products", None), None).await;
    assert_eq!(products["failures"].as_array().unwrap().len(), 5);
    assert_eq!(products["next"], Value::Null);
    let (status, _) = call(
        &w,
        None,
        "GET",
        &path("contacts", Some("FAIL#1#Customer#1")),
        None,
    )
    .await;
    assert_eq!(status, 400, "a token of another company is refused");
    let huge = format!("FAIL#{US}#Customer#{}", "9".repeat(2_000));
    let (status, _) = call(&w, None, "GET", &path("contacts", Some(&huge)), None).await;
    assert_eq!(status, 400, "a token longer than any sort key is refused");

    let (status, health) = call(&w, None, "GET", &format!("/sync/health?realmId={US}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(health["objects"]["contacts"]["failedCount"], 55);
    assert_eq!(health["objects"]["products"]["failedCount"], 5);
}

#[tokio::test]
async fn retry_and_resync_queue_a_job_for_the_company() {
    let w = World::new().await;
    let q = common::queue(&w).await;
    let jobs = q.jobs();
    let realm: shared::ids::RealmId = US.parse().unwrap();
    Failures {
        store: &w.app.store,
        portal_id: PORTAL,
        realm_id: &realm,
    }
    .record(&[failure(SyncObject::Contacts, 58, chrono::Utc::now())])
    .await
    .unwrap();
    let retry = format!("/sync/failures/retry?realmId={US}");
    let (status, answer) = call(
        &w,
        Some(&jobs),
        "POST",
        &retry,
        Some(&json!({"object": "contacts", "qboId": "58"})),
    )
    .await;
    assert_eq!((status, answer), (202, json!({"queued": true})));
    let (status, answer) = call(&w, Some(&jobs), "POST", &retry, Some(&json!({}))).await;
    assert_eq!((status, answer), (202, json!({"queued": true})));
    let (status, err) = call(
        &w,
        Some(&jobs),
        "POST",
        &retry,
        Some(&json!({"object": "contacts", "qboId": "59"})),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = call(
        &w,
        Some(&jobs),
        "POST",
        &retry,
        Some(&json!({"object": "contacts"})),
    )
    .await;
    assert_eq!(status, 400);
    for bad in [json!("5".repeat(2_000)), json!("12a"), json!(58)] {
        let (status, _) = call(
            &w,
            Some(&jobs),
            "POST",
            &retry,
            Some(&json!({"object": "contacts", "qboId": bad})),
        )
        .await;
        assert_eq!(status, 400, "qboId {bad} is refused");
    }

    let (status, answer) = call(
        &w,
        Some(&jobs),
        "POST",
        &format!("/sync/resync?realmId={US}&object=products"),
        None,
    )
    .await;
    assert_eq!((status, answer), (202, json!({"queued": true})));
    let marker: Option<Value> = w
        .app
        .store
        .get(
            &keys::sync_resync(PORTAL.into(), &realm, "Item"),
            chrono::Utc::now().timestamp(),
        )
        .await
        .unwrap();
    assert!(marker.is_some(), "the next run reads products again");
    assert_eq!(q.waiting(&q.url).await.unwrap(), 3);

    let (status, err) = call(
        &w,
        None,
        "POST",
        &format!("/sync/resync?realmId={US}&object=products"),
        None,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (500, Some("internal")),
        "{err}"
    );
}

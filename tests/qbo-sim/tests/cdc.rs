//! Change data capture at scale (quickbooks-api.md §5): every entity in one call, at most 1000 objects in
//! the whole answer, deletes as `status: Deleted`, voids in full, 30 days back at most, `time` from the
//! simulated clock.

mod common;

use common::{code, Company};
use qbo_sim::Generate;
use serde_json::Value;

/// A company whose invoices all fall inside the CDC window.
fn recent(invoices: usize) -> Generate {
    Generate {
        customers: 100,
        items: 30,
        invoices,
        days: 20,
        ..Generate::default()
    }
}

fn objects<'a>(cdc: &'a Value, entity: &str) -> Vec<&'a Value> {
    cdc["CDCResponse"][0]["QueryResponse"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r[entity].as_array())
        .flatten()
        .collect()
}

/// Changes of `entity` since `since` in the simulator's state: live records and tombstones.
fn changes_in_state(company: &Company, entity: &str, since: &str) -> usize {
    let since = chrono::DateTime::parse_from_rfc3339(since).unwrap();
    company.sim.with_state(|s| {
        let c = &s.companies[company.realm];
        let live = c
            .records(entity)
            .iter()
            .filter(|r| {
                let t = r["MetaData"]["LastUpdatedTime"].as_str().unwrap();
                chrono::DateTime::parse_from_rfc3339(t).unwrap() >= since
            })
            .count();
        live + c
            .deleted
            .iter()
            .filter(|t| t.entity == entity && t.at >= since)
            .count()
    })
}

const SINCE: &str = "2026-10-25T00:00:00-07:00";

#[tokio::test]
async fn all_entities_in_one_call_under_a_thousand_objects() {
    let company = Company::generated(recent(300)).await;
    let (status, cdc) = company
        .get_json(&format!(
            "cdc?entities=Customer,Item,Invoice,Payment&changedSince={SINCE}"
        ))
        .await;
    assert_eq!(status, 200, "{cdc}");
    let answers = cdc["CDCResponse"][0]["QueryResponse"].as_array().unwrap();
    assert_eq!(answers.len(), 4, "one answer per entity asked for");
    for entity in ["Customer", "Item", "Invoice", "Payment"] {
        let want = changes_in_state(&company, entity, SINCE);
        assert_eq!(objects(&cdc, entity).len(), want, "{entity}");
    }
    assert_eq!(company.sim.calls(Some(company.realm)).cdc, 1);
    // `time` is the simulated clock's, in the company's offset: the next changedSince.
    let now = company.sim.with_state(|s| s.moment(company.realm).time());
    let time = cdc["time"].as_str().unwrap();
    assert_eq!(&time[..16], &now[..16], "{time} vs {now}");
    assert!(time.ends_with("-08:00"));
}

#[tokio::test]
async fn deleted_invoices_come_as_status_deleted_and_voided_ones_in_full() {
    let company = Company::generated(recent(600)).await;
    let (_, cdc) = company
        .get_json(&format!("cdc?entities=Invoice&changedSince={SINCE}"))
        .await;
    let invoices = objects(&cdc, "Invoice");
    let deleted: Vec<&&Value> = invoices
        .iter()
        .filter(|i| i["status"] == "Deleted")
        .collect();
    let tombstones = company
        .sim
        .with_state(|s| s.companies[company.realm].deleted.len());
    assert_eq!(deleted.len(), tombstones, "every delete of the window");
    assert!(!deleted.is_empty());
    for d in &deleted {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4, "only Id, status, domain, MetaData: {d}");
        assert!(d["MetaData"]["LastUpdatedTime"].is_string());
        assert_eq!(
            company.stored("Invoice", d["Id"].as_str().unwrap()),
            Value::Null
        );
    }
    let voided: Vec<&&Value> = invoices
        .iter()
        .filter(|i| i["PrivateNote"] == "Voided")
        .collect();
    assert!(!voided.is_empty());
    assert!(voided.iter().all(|v| v["TotalAmt"].as_f64() == Some(0.0)
        && v["Line"].is_array()
        && v["DocNumber"].is_string()));
    // A query never returns a deleted invoice.
    let (_, body) = company
        .query(&format!(
            "SELECT * FROM Invoice WHERE Id = '{}'",
            deleted[0]["Id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(body["QueryResponse"], serde_json::json!({}));
}

#[tokio::test]
async fn the_whole_answer_stops_at_a_thousand_objects_oldest_first() {
    let company = Company::generated(recent(3000)).await;
    let invoices_changed = changes_in_state(&company, "Invoice", SINCE);
    assert!(invoices_changed > 1000);
    let (_, cdc) = company
        .get_json(&format!(
            "cdc?entities=Invoice,Payment,Customer&changedSince={SINCE}"
        ))
        .await;
    let counts: Vec<usize> = ["Invoice", "Payment", "Customer"]
        .iter()
        .map(|e| objects(&cdc, e).len())
        .collect();
    assert_eq!(
        counts.iter().sum::<usize>(),
        1000,
        "the cap is on the answer: {counts:?}"
    );
    assert!(
        counts[0] < 1000,
        "no entity reaches 1000 on its own: a client must check the total"
    );
    assert!(
        counts[1] > 0,
        "the cut runs across entities by time, not entity by entity"
    );
    // The oldest changes are the ones kept.
    let stamp = |o: &Value| {
        chrono::DateTime::parse_from_rfc3339(o["MetaData"]["LastUpdatedTime"].as_str().unwrap())
            .unwrap()
    };
    let kept = objects(&cdc, "Invoice");
    let newest_kept = kept.iter().map(|o| stamp(o)).max().unwrap();
    let older_left_out = company.sim.with_state(|s| {
        s.companies[company.realm]
            .records("Invoice")
            .iter()
            .filter(|i| stamp(i) < newest_kept)
            .filter(|i| stamp(i) >= chrono::DateTime::parse_from_rfc3339(SINCE).unwrap())
            .filter(|i| !kept.iter().any(|k| k["Id"] == i["Id"]))
            .count()
    });
    assert_eq!(
        older_left_out, 0,
        "nothing older than the newest kept is left out"
    );

    // Asked alone, the entity still stops at 1000: the rest only comes by paged query.
    let (_, alone) = company
        .get_json(&format!("cdc?entities=Invoice&changedSince={SINCE}"))
        .await;
    assert_eq!(objects(&alone, "Invoice").len(), 1000);
    let (_, count) = company
        .query(&format!(
            "SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime >= '{SINCE}'"
        ))
        .await;
    let tombstones = company
        .sim
        .with_state(|s| s.companies[company.realm].deleted.len());
    assert_eq!(
        count["QueryResponse"]["totalCount"].as_u64().unwrap() as usize + tombstones,
        invoices_changed
    );
}

#[tokio::test]
async fn more_than_thirty_days_back_is_refused_in_quickbooks_words() {
    let company = Company::generated(recent(10)).await;
    let (status, body) = company
        .get_json("cdc?entities=Invoice,Customer&changedSince=2026-10-22T00:00:00-07:00")
        .await;
    assert_eq!((status, code(&body)), (400, "6000"), "{body}");
    let detail = body["Fault"]["Error"][0]["Detail"].as_str().unwrap();
    assert_eq!(
        detail,
        "Operation cdc with changedSince date 2026-10-22T00:00:00-07:00 which is older than fixed days is not supported."
    );
    let (status, _) = company
        .get_json("cdc?entities=Invoice&changedSince=2026-10-24T00:00:00-07:00")
        .await;
    assert_eq!(status, 200, "29 days back is inside the window");
}

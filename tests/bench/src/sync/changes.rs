//! Fifty changes made in QuickBooks the way another app makes them, through the simulator's API: customers
//! renamed, items repriced, invoices re-dated, voided and deleted.

use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use test_support::world::World;

const RENAMED: usize = 15;
const REPRICED: usize = 10;
const REDATED: usize = 15;
const VOIDED: usize = 5;
const DELETED: usize = 5;
pub const COUNT: usize = RENAMED + REPRICED + REDATED + VOIDED + DELETED;
/// Under QuickBooks' 10 requests a second per company, which the simulator enforces.
const SPACING: Duration = Duration::from_millis(150);

fn uses_active_item(line: &Value, active: &HashSet<String>) -> bool {
    line.pointer("/SalesItemLineDetail/ItemRef/value")
        .and_then(Value::as_str)
        .is_none_or(|id| active.contains(id))
}

fn version(r: &Value) -> Value {
    json!({"Id": r["Id"], "SyncToken": r["SyncToken"]})
}

fn sparse(r: &Value, field: &str, value: Value) -> Value {
    let mut body = version(r);
    body["sparse"] = json!(true);
    body[field] = value;
    body
}

/// Makes the changes in `realm`; returns how many were made.
pub async fn make(w: &World, realm: &str) -> usize {
    let customers = w.qbo_entities(realm, "Customer");
    let items = w.qbo_entities(realm, "Item");
    let invoices = w.qbo_entities(realm, "Invoice");
    let live = |r: &&Value| r["Active"] != false;
    let active_ids = |records: &[Value]| -> HashSet<String> {
        records
            .iter()
            .filter(live)
            .filter_map(|r| r["Id"].as_str().map(str::to_string))
            .collect()
    };
    let (active_customers, active_items) = (active_ids(&customers), active_ids(&items));
    // QuickBooks refuses to update an invoice that uses a deactivated customer or item.
    let open = |i: &&Value| {
        let uses_active = |pointer: &str, active: &HashSet<String>| {
            i.pointer(pointer)
                .and_then(Value::as_str)
                .is_none_or(|id| active.contains(id))
        };
        i["Balance"].as_f64().is_some_and(|b| b > 0.0)
            && uses_active("/CustomerRef/value", &active_customers)
            && i["Line"]
                .as_array()
                .is_some_and(|lines| lines.iter().all(|l| uses_active_item(l, &active_items)))
    };

    let mut writes: Vec<(&str, Value)> = Vec::new();
    for (n, c) in customers
        .iter()
        .filter(live)
        .filter(|c| c["GivenName"].is_string())
        .take(RENAMED)
        .enumerate()
    {
        writes.push((
            "customer",
            sparse(c, "GivenName", json!(format!("Renamed{n}"))),
        ));
    }
    for (n, i) in items.iter().filter(live).take(REPRICED).enumerate() {
        writes.push(("item", sparse(i, "UnitPrice", json!(100 + n))));
    }
    let mut open_invoices = invoices.iter().filter(open);
    for i in open_invoices.by_ref().take(REDATED) {
        writes.push(("invoice", sparse(i, "DueDate", json!("2027-01-31"))));
    }
    for i in open_invoices.by_ref().take(VOIDED) {
        writes.push(("invoice?operation=void", version(i)));
    }
    for i in open_invoices.take(DELETED) {
        writes.push(("invoice?operation=delete", version(i)));
    }
    for (path, body) in &writes {
        w.qbo_post(realm, path, body.clone()).await;
        tokio::time::sleep(SPACING).await;
    }
    writes.len()
}

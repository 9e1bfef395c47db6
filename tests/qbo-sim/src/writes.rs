//! Writes: create, update (sparse or full), void, delete and send, each checked against the `SyncToken`
//! and the business rules; and the `requestid` replay that answers a repeated write with its first answer
//! (quickbooks-api.md §2 "How deleted works", §3, §7).

use crate::clock::Moment;
use crate::faults::Fault;
use crate::rules::{self, Options};
use crate::state::{Company, Tombstone};
use crate::webhooks::Operation as Notified;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operation {
    Create,
    Update,
    Void,
    Delete,
}

/// Entities the simulator creates and updates.
const WRITABLE: &[&str] = &[
    "Customer",
    "Item",
    "Invoice",
    "Estimate",
    "SalesReceipt",
    "Payment",
];
/// Transactions that can be hard-deleted; name lists are made inactive instead.
const DELETABLE: &[&str] = &["Invoice", "Estimate", "SalesReceipt", "Payment"];
/// Invoices void with `operation=void`, payments and sales receipts with `include=void`.
const VOIDABLE: &[&str] = &["Invoice", "Payment", "SalesReceipt"];
/// What a sparse update never copies from the request: identity and version are checked, not written.
const SYSTEM: &[&str] = &["Id", "SyncToken", "sparse", "MetaData", "domain"];

/// Runs one write on `entity` and returns the stored (or deleted) record.
pub fn perform(
    company: &mut Company,
    entity: &str,
    op: Operation,
    body: Value,
    at: &Moment,
    options: Options,
) -> Result<Value, Fault> {
    let Value::Object(body) = body else {
        return Err(Fault::invalid_body(
            "The request body must be a JSON object",
        ));
    };
    let allowed = match op {
        Operation::Create | Operation::Update => WRITABLE,
        Operation::Void => VOIDABLE,
        Operation::Delete => DELETABLE,
    };
    if !allowed.contains(&entity) {
        return Err(Fault::unsupported(format!(
            "Operation {op:?} is not supported on {entity}"
        )));
    }
    let (record, operation) = match op {
        Operation::Create => (
            create(company, entity, body, at, options)?,
            Notified::Create,
        ),
        Operation::Update => (
            update(company, entity, body, at, options)?,
            Notified::Update,
        ),
        Operation::Void => (void(company, entity, body, at)?, Notified::Void),
        Operation::Delete => (delete(company, entity, body, at)?, Notified::Delete),
    };
    notify(company, entity, &record, operation, at, None);
    Ok(record)
}

/// Leaves a change for the webhook (`webhooks.rs`).
fn notify(
    company: &mut Company,
    entity: &str,
    record: &Value,
    operation: Notified,
    at: &Moment,
    deleted_id: Option<&str>,
) {
    company.changes.push(crate::webhooks::Change {
        entity: entity.to_string(),
        id: record["Id"].as_str().unwrap_or_default().to_string(),
        operation,
        at: at.now,
        deleted_id: deleted_id.map(str::to_string),
    });
}

fn create(
    company: &mut Company,
    entity: &str,
    mut body: Map<String, Value>,
    at: &Moment,
    options: Options,
) -> Result<Value, Fault> {
    for field in SYSTEM {
        body.remove(*field);
    }
    rules::check(company, entity, &mut body, None, at, options)?;
    body.insert("Id".into(), json!(company.next_id()?));
    body.insert("SyncToken".into(), json!("0"));
    body.insert("domain".into(), json!("QBO"));
    body.insert("sparse".into(), json!(false));
    body.insert(
        "MetaData".into(),
        json!({"CreateTime": at.stamp(), "LastUpdatedTime": at.stamp()}),
    );
    let record = Value::Object(body);
    company
        .seed
        .entities
        .entry(entity.to_string())
        .or_default()
        .push(record.clone());
    after_write(company, entity, None, Some(&record), at);
    Ok(record)
}

/// The record an update, void or delete addresses, checked against its SyncToken (610, then 5010).
fn current(company: &Company, entity: &str, body: &Map<String, Value>) -> Result<Value, Fault> {
    let id = body.get("Id").and_then(Value::as_str).unwrap_or_default();
    let record = company
        .find(entity, id)
        .ok_or_else(|| Fault::not_found(entity, id))?;
    let sent = body.get("SyncToken").and_then(Value::as_str);
    if sent != record["SyncToken"].as_str() {
        return Err(Fault::stale(entity, sent));
    }
    Ok(record.clone())
}

/// Sparse (`"sparse": true`): the sent fields replace the stored ones, a sent `Line` all lines. Full: the
/// record becomes what was sent; omitted writable fields are cleared (quickbooks-api.md §7).
fn update(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    at: &Moment,
    options: Options,
) -> Result<Value, Fault> {
    let before = current(company, entity, &body)?;
    let sparse = body.get("sparse") == Some(&json!(true));
    let mut record = match (sparse, before.clone()) {
        (true, Value::Object(stored)) => stored,
        _ => Map::new(),
    };
    for field in rules::derived(entity) {
        record.remove(*field);
    }
    for (field, value) in body {
        if !SYSTEM.contains(&field.as_str()) {
            record.insert(field, value);
        }
    }
    let id = before["Id"].as_str().unwrap_or_default().to_string();
    rules::check(company, entity, &mut record, Some(&id), at, options)?;
    for field in SYSTEM {
        if let Some(v) = before.get(*field) {
            record.insert(field.to_string(), v.clone());
        }
    }
    record.insert("sparse".into(), json!(false));
    let mut record = Value::Object(record);
    rules::bump(&mut record, at);
    replace(company, entity, &id, record.clone());
    after_write(company, entity, Some(&before), Some(&record), at);
    Ok(record)
}

fn replace(company: &mut Company, entity: &str, id: &str, record: Value) {
    if let Some(slot) = company.find_mut(entity, id) {
        *slot = record;
    }
}

/// Void: the transaction stays, with every amount zeroed and "Voided" before its note (quickbooks-api.md §2).
fn void(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    at: &Moment,
) -> Result<Value, Fault> {
    let before = current(company, entity, &body)?;
    let mut record = before.clone();
    zero_voided(&mut record, entity);
    rules::bump(&mut record, at);
    let id = record["Id"].as_str().unwrap_or_default().to_string();
    replace(company, entity, &id, record.clone());
    after_write(company, entity, Some(&before), Some(&record), at);
    Ok(record)
}

/// A voided transaction as QuickBooks keeps it: every amount zeroed, and "Voided" before its note.
pub fn zero_voided(record: &mut Value, entity: &str) {
    for line in record["Line"].as_array_mut().into_iter().flatten() {
        line["Amount"] = json!(0);
    }
    record["TotalAmt"] = json!(0);
    let zeroed: &[&str] = match entity {
        "Payment" => &["UnappliedAmt"],
        _ => &["Balance"],
    };
    for field in zeroed {
        record[*field] = json!(0);
    }
    if entity != "Payment" {
        record["TxnTaxDetail"] = json!({"TotalTax": 0});
    }
    // QuickBooks puts "Voided" in front of the note the transaction had (quickbooks-api.md §2; real answers
    // show "Voided - <note>", even "Voided - Voided - …" after repeated voids).
    record["PrivateNote"] = match record["PrivateNote"].as_str().filter(|n| !n.is_empty()) {
        Some(note) => json!(format!("Voided - {note}")),
        None => json!("Voided"),
    };
}

/// Delete: gone from reads and queries; CDC reports it as `status: Deleted`.
fn delete(
    company: &mut Company,
    entity: &str,
    body: Map<String, Value>,
    at: &Moment,
) -> Result<Value, Fault> {
    let before = current(company, entity, &body)?;
    let id = before["Id"].as_str().unwrap_or_default().to_string();
    if let Some(list) = company.seed.entities.get_mut(entity) {
        list.retain(|e| e["Id"] != id.as_str());
    }
    company.deleted.push(Tombstone {
        entity: entity.to_string(),
        id: id.clone(),
        at: at.now,
        stamp: at.stamp(),
    });
    after_write(company, entity, Some(&before), None, at);
    Ok(json!({"Id": id, "status": "Deleted", "domain": "QBO"}))
}

/// What follows from a stored change: payments settle the invoices they touch (before and after), and
/// invoices move their customers' balances.
fn after_write(
    company: &mut Company,
    entity: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    at: &Moment,
) {
    let versions = before.into_iter().chain(after);
    match entity {
        "Payment" => {
            let mut invoices: Vec<String> = versions
                .flat_map(|p| p["Line"].as_array().cloned().unwrap_or_default())
                .flat_map(|l| l["LinkedTxn"].as_array().cloned().unwrap_or_default())
                .filter(|l| l["TxnType"] == "Invoice")
                .filter_map(|l| l["TxnId"].as_str().map(str::to_string))
                .collect();
            invoices.sort();
            invoices.dedup();
            rules::settle(company, &invoices, at);
        }
        "Invoice" => {
            let customers: Vec<String> = versions
                .filter_map(|i| rules::reference(i, "CustomerRef").map(str::to_string))
                .collect();
            for customer in customers {
                rules::refresh_customer_balance(company, &customer);
            }
        }
        _ => {}
    }
}

/// Send by e-mail: `EmailStatus` becomes `EmailSent`, `DeliveryInfo` is filled, `sendTo` replaces
/// `BillEmail` (quickbooks-api.md §3).
pub fn send(
    company: &mut Company,
    id: &str,
    send_to: Option<&str>,
    at: &Moment,
) -> Result<Value, Fault> {
    let invoice = company
        .find_mut("Invoice", id)
        .ok_or_else(|| Fault::not_found("Invoice", id))?;
    let address = send_to.or(invoice["BillEmail"]["Address"].as_str());
    let Some(address) = address.filter(|a| a.contains('@')).map(str::to_string) else {
        return Err(Fault::business(
            "Business Validation Error: the invoice has no valid e-mail address to send to (BillEmail or sendTo)",
        ));
    };
    invoice["BillEmail"] = json!({ "Address": address });
    invoice["EmailStatus"] = json!("EmailSent");
    invoice["DeliveryInfo"] = json!({"DeliveryType": "Email", "DeliveryTime": at.stamp()});
    rules::bump(invoice, at);
    let invoice = invoice.clone();
    notify(company, "Invoice", &invoice, Notified::Emailed, at, None);
    Ok(invoice)
}

/// Entities that hold a customer: a merge moves them to the customer that stays.
const HELD_BY_CUSTOMER: &[&str] = &["Invoice", "Estimate", "SalesReceipt", "Payment"];

/// Merges customer `from` into `into`, as a person does in QuickBooks (the API cannot): `from`'s
/// transactions move to `into`, `from` is made inactive and named "… (deleted)", and the webhook says
/// `Merge` on `into` with `deletedId` `from` (quickbooks-api.md §2, §6).
pub fn merge_customers(
    company: &mut Company,
    from: &str,
    into: &str,
    at: &Moment,
) -> Result<(), Fault> {
    for id in [from, into] {
        let customer = company
            .find("Customer", id)
            .ok_or_else(|| Fault::not_found("Customer", id))?;
        if customer["Active"] == false {
            return Err(Fault::business(format!(
                "Customer {id} is inactive and cannot be merged"
            )));
        }
    }
    if from == into {
        return Err(Fault::business("A customer cannot be merged into itself"));
    }
    for entity in HELD_BY_CUSTOMER {
        for record in company.seed.entities.get_mut(*entity).into_iter().flatten() {
            if rules::reference(record, "CustomerRef") == Some(from) {
                record["CustomerRef"]["value"] = json!(into);
                rules::bump(record, at);
            }
        }
    }
    for id in [from, into] {
        rules::refresh_customer_balance(company, id);
    }
    let Some(gone) = company.find_mut("Customer", from) else {
        return Err(Fault::not_found("Customer", from));
    };
    gone["Active"] = json!(false);
    let name = gone["DisplayName"].as_str().unwrap_or_default().to_string();
    gone["DisplayName"] = json!(format!("{name} (deleted)"));
    rules::bump(gone, at);
    let Some(kept) = company.find_mut("Customer", into) else {
        return Err(Fault::not_found("Customer", into));
    };
    rules::bump(kept, at);
    let kept = kept.clone();
    notify(company, "Customer", &kept, Notified::Merge, at, Some(from));
    Ok(())
}

/// Answers a write once per `requestid`: a repeat gets the first answer, without running the write again
/// (quickbooks-api.md §7). Without a `requestid` every call runs.
pub fn once(
    company: &mut Company,
    request_id: Option<&str>,
    write: impl FnOnce(&mut Company) -> (StatusCode, Value),
) -> (StatusCode, Value) {
    if let Some((status, reply)) = request_id.and_then(|r| company.replies.get(r)) {
        return (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
            reply.clone(),
        );
    }
    let (status, reply) = write(company);
    if let Some(request_id) = request_id {
        company
            .replies
            .insert(request_id.to_string(), (status.as_u16(), reply.clone()));
    }
    (status, reply)
}

//! What an invoice brings besides its record (S3): its line items (HubSpot derives an invoice's amount from
//! them), the archiving of lines removed in QuickBooks, and its associations with its lines, its
//! customer's contact and the deals the card linked it to.

use super::apply::{Applied, ApplyError, Prepared, Sink};
use super::properties::LINE_KEY;
use super::pull::Record;
use super::SyncObject;
use crate::domain::mapping::{decimal, field, record_key};
use crate::hubspot::batch::{Input, Outcome, Properties};
use serde_json::Value;
use std::collections::HashMap;

/// HubSpot's association types (hubspot-api.md §5).
const INVOICE_TO_CONTACT: u32 = 177;
const INVOICE_TO_DEAL: u32 = 175;
const INVOICE_TO_LINE_ITEM: u32 = 409;

/// An invoice's line items (HubSpot derives an invoice's amount from them), the archiving of lines removed
/// in QuickBooks since it was last written, and its associations: its lines, its customer's contact, and
/// the deals it is linked to. A line or an association HubSpot refuses fails its invoice, with the reason,
/// so that the next run writes it again; the rest stands. The id map learns the invoice's lines last, so a
/// run killed before then archives the removed ones again next time (archiving is idempotent).
pub(super) async fn extras(
    sink: &Sink<'_>,
    prepared: &[Prepared<'_>],
    outcome: &Outcome,
    applied: &mut Applied,
) -> Result<(), ApplyError> {
    let invoice_of: HashMap<&str, &str> = outcome
        .written
        .iter()
        .map(|(k, id)| (k.as_str(), id.as_str()))
        .collect();
    let written: Vec<(&Prepared, &str)> = prepared
        .iter()
        .filter_map(|p| invoice_of.get(p.key.as_str()).map(|id| (p, *id)))
        .collect();
    let qbo_of: HashMap<&str, &str> = written
        .iter()
        .map(|(p, id)| (*id, p.record.id.as_str()))
        .collect();
    let qbo_ids: Vec<&str> = qbo_of.values().copied().collect();
    let before = sink.ids.invoice_lines(&qbo_ids).await?;

    let mut lines = Vec::new();
    let mut line_owner: HashMap<String, &str> = HashMap::new();
    let mut removed = Vec::new();
    let mut remembered = Vec::new();
    for (p, invoice_id) in &written {
        let now = line_items(sink.realm_id, p.record);
        let keys: Vec<String> = now.iter().map(|l| l.key.clone()).collect();
        let gone = before.get(&p.record.id).into_iter().flatten();
        removed.extend(gone.filter(|k| !keys.contains(k)).cloned());
        for line in now {
            line_owner.insert(line.key.clone(), invoice_id);
            lines.push(line);
        }
        remembered.push((p.record.id.clone(), invoice_id.to_string(), keys));
    }
    let lines_written = sink
        .hubspot
        .batch_upsert("line_items", LINE_KEY, &lines)
        .await?;
    let mut line_pairs = Vec::new();
    for (key, line_id) in &lines_written.written {
        if let Some(invoice_id) = line_owner.get(key) {
            line_pairs.push((invoice_id.to_string(), line_id.clone()));
        }
    }
    for (key, reason) in &lines_written.failed {
        if let Some(qbo) = line_owner.get(key).and_then(|id| qbo_of.get(id)) {
            applied.fail(
                SyncObject::Invoices,
                qbo,
                format!("HubSpot refused its line {key}: {reason}"),
            );
        }
    }
    if !removed.is_empty() {
        let found = sink
            .hubspot
            .ids_by("line_items", LINE_KEY, &removed)
            .await?;
        let ids: Vec<String> = found.into_values().collect();
        sink.hubspot.batch_archive("line_items", &ids).await?;
    }

    let customers: Vec<&str> = written
        .iter()
        .filter_map(|(p, _)| field(&p.record.body, "CustomerRef.value").and_then(Value::as_str))
        .collect();
    let contacts = sink.ids.find(SyncObject::Contacts, &customers).await?;
    let mut contact_pairs = Vec::new();
    let mut deal_pairs = Vec::new();
    for (p, invoice_id) in &written {
        let customer = field(&p.record.body, "CustomerRef.value").and_then(Value::as_str);
        if let Some(contact) = customer.and_then(|c| contacts.get(c)) {
            contact_pairs.push((invoice_id.to_string(), contact.clone()));
        }
        for deal in sink.deals.get(&p.record.id).into_iter().flatten() {
            deal_pairs.push((invoice_id.to_string(), deal.clone()));
        }
    }
    let associations = [
        ("line_items", INVOICE_TO_LINE_ITEM, &line_pairs),
        ("contacts", INVOICE_TO_CONTACT, &contact_pairs),
        ("deals", INVOICE_TO_DEAL, &deal_pairs),
    ];
    for (to, type_id, pairs) in associations {
        let unlinked = sink
            .hubspot
            .associate("invoices", to, type_id, pairs)
            .await?;
        for f in unlinked {
            if let Some(qbo) = qbo_of.get(f.from.as_str()) {
                let reason = format!(
                    "HubSpot did not associate it with {to} {}: {}",
                    f.to, f.reason
                );
                applied.fail(SyncObject::Invoices, qbo, reason);
            }
        }
    }
    sink.ids.remember_invoices(&remembered).await?;
    Ok(())
}

/// The sales lines of an invoice as HubSpot line items, keyed `{realm}:{invoice}:{line id}`.
fn line_items(realm_id: &str, record: &Record) -> Vec<Input> {
    let Some(Value::Array(lines)) = record.body.get("Line") else {
        return Vec::new();
    };
    lines
        .iter()
        .filter(|l| l.get("DetailType").and_then(Value::as_str) == Some("SalesItemLineDetail"))
        .filter_map(|l| {
            let id = l.get("Id").and_then(Value::as_str)?;
            let detail = l.get("SalesItemLineDetail")?;
            let name = field(l, "Description")
                .or_else(|| field(detail, "ItemRef.name"))
                .and_then(Value::as_str)
                .unwrap_or("Item");
            let quantity = detail
                .get("Qty")
                .and_then(decimal)
                .unwrap_or(rust_decimal::Decimal::ONE);
            let amount = l.get("Amount").and_then(decimal).unwrap_or_default();
            let price = detail
                .get("UnitPrice")
                .and_then(decimal)
                .or_else(|| amount.checked_div(quantity))
                .unwrap_or_default();
            let key = format!("{}:{id}", record_key(realm_id, &record.id));
            let properties = Properties::from([
                ("name".to_string(), name.chars().take(255).collect()),
                ("quantity".to_string(), quantity.normalize().to_string()),
                ("price".to_string(), price.normalize().to_string()),
                (LINE_KEY.to_string(), key.clone()),
            ]);
            Some(Input { key, properties })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sales_lines_become_line_items_keyed_by_invoice_and_line() {
        let record = Record {
            id: "130".into(),
            deleted: false,
            body: json!({"Id": "130", "Line": [
                {"Id": "1", "DetailType": "SalesItemLineDetail", "Amount": 30, "Description": "Hours",
                 "SalesItemLineDetail": {"ItemRef": {"value": "2", "name": "Consulting"}, "Qty": 2, "UnitPrice": 15}},
                {"Id": "2", "DetailType": "SalesItemLineDetail", "Amount": 9.99,
                 "SalesItemLineDetail": {"ItemRef": {"value": "3", "name": "Widget"}}},
                {"DetailType": "SubTotalLineDetail", "Amount": 39.99}
            ]}),
        };
        let lines = line_items("9", &record);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].key, "9:130:1");
        assert_eq!(lines[0].properties["name"], "Hours");
        assert_eq!(lines[0].properties["quantity"], "2");
        assert_eq!(lines[0].properties["price"], "15");
        assert_eq!(lines[1].properties["name"], "Widget");
        assert_eq!(lines[1].properties["price"], "9.99");
    }
}

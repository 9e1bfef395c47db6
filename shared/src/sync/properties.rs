//! The properties the sync writes beyond HubSpot's own, created in our `quickbooks` group on each object
//! before a company's first sync (and again harmlessly on later ones: HubSpot answers 409 for one that
//! exists). The key properties are unique (`hasUniqueValue`), which is what lets a batch upsert find a
//! record by its QuickBooks origin.

use super::SyncObject;
use serde_json::{json, Map, Value};

/// Line items of synced invoices, keyed `{realm}:{invoice id}:{line id}`.
pub const LINE_KEY: &str = "qbo_line_key";

fn property(
    name: &str,
    label: &str,
    kind: &str,
    field_type: &str,
    unique: bool,
) -> Map<String, Value> {
    Map::from_iter([
        ("name".to_string(), json!(name)),
        ("label".to_string(), json!(label)),
        ("type".to_string(), json!(kind)),
        ("fieldType".to_string(), json!(field_type)),
        ("hasUniqueValue".to_string(), json!(unique)),
        (
            "description".to_string(),
            json!("Written by the QuickBooks integration's sync."),
        ),
    ])
}

fn text(name: &str, label: &str) -> Map<String, Value> {
    property(name, label, "string", "text", false)
}

fn number(name: &str, label: &str) -> Map<String, Value> {
    property(name, label, "number", "number", false)
}

fn flag(name: &str, label: &str) -> Map<String, Value> {
    let mut p = property(name, label, "enumeration", "booleancheckbox", false);
    p.insert(
        "options".into(),
        json!([{"label": "Yes", "value": "true"}, {"label": "No", "value": "false"}]),
    );
    p
}

/// The properties the sync of `object` needs on its HubSpot object.
pub fn of(object: SyncObject) -> Vec<Map<String, Value>> {
    let key = property(
        object.key_property(),
        "QuickBooks key",
        "string",
        "text",
        true,
    );
    let mut list = vec![key, text("qbo_realm_id", "QuickBooks company id")];
    match object {
        SyncObject::Contacts => list.extend([
            number("qbo_balance", "QuickBooks open balance"),
            text("qbo_currency", "QuickBooks currency"),
            flag("qbo_active", "Active in QuickBooks"),
        ]),
        SyncObject::Products => list.extend([
            text("qbo_item_type", "QuickBooks item type"),
            flag("qbo_active", "Active in QuickBooks"),
        ]),
        SyncObject::Invoices => list.extend([
            text("qbo_invoice_number", "QuickBooks invoice number"),
            number("qbo_total", "QuickBooks total"),
            number("qbo_balance", "QuickBooks balance due"),
            text("qbo_invoice_status", "QuickBooks invoice status"),
            text("qbo_invoice_link", "QuickBooks invoice link"),
        ]),
    }
    list
}

/// The line items' own key.
pub fn line_items() -> Vec<Map<String, Value>> {
    vec![property(
        LINE_KEY,
        "QuickBooks line key",
        "string",
        "text",
        true,
    )]
}

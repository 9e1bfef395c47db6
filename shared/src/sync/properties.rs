//! The properties the sync writes beyond HubSpot's own, created in our `quickbooks` group on each object
//! at install, or before a company's first sync when the install could not (HubSpot throttling or down
//! then) or came before the sync existed. A marker (`SYNC_PROPERTIES`) remembers that a portal has them;
//! creating them again is harmless (HubSpot answers 409 for one that exists). The key properties are
//! unique (`hasUniqueValue`), which is what lets a batch upsert find a record by its QuickBooks origin.

use super::apply::ApplyError;
use super::SyncObject;
use crate::hubspot::HubSpotApi;
use crate::store::keys;
use crate::App;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Bumped when the sync needs properties it did not create before: each portal creates them once more.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Marker {
    version: u32,
}

/// Creates the sync's properties in portal `portal_id` unless the marker says they exist, then sets it.
pub async fn ensure(app: &App, api: &HubSpotApi<'_>, portal_id: u64) -> Result<(), ApplyError> {
    let key = keys::sync_properties(portal_id.into());
    let now = Utc::now().timestamp();
    let marker: Option<Marker> = app.store.get(&key, now).await?;
    if marker.is_some_and(|m| m.version >= VERSION) {
        return Ok(());
    }
    for object in SyncObject::ALL {
        api.ensure_properties(object.hubspot_object(), &of(object))
            .await?;
    }
    api.ensure_properties("line_items", &line_items()).await?;
    app.store
        .save(&key, &Marker { version: VERSION }, now)
        .await?;
    Ok(())
}

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

//! Values that may belong to one record only: a contact's e-mail (HubSpot's identifier for contacts,
//! compared without case) and every `hasUniqueValue` property (hubspot-api.md §5 Batch). A second record
//! with the same value is refused with 409 `CONFLICT`: for e-mail, HubSpot's own "Contact already exists.
//! Existing ID: N"; for a unique property, the same wording for that object and property *(inferred)*.

use crate::catalog::singular;
use crate::errors::Refusal;
use crate::properties::is_unique;
use crate::state::Sim;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// The form in which values of `name` are compared: e-mail addresses without case, others as written.
fn key(object: &str, name: &str, value: &str) -> String {
    match (object, name) {
        ("contacts", "email") => value.to_ascii_lowercase(),
        _ => value.to_string(),
    }
}

/// Whether `name` identifies records of `object`: a contact's e-mail, or a `hasUniqueValue` property.
pub fn identifies(sim: &Sim, object: &str, name: &str) -> bool {
    (object == "contacts" && name == "email") || is_unique(sim, object, name)
}

/// The identifying values of one type's live records, by property and compared form, so that each input of
/// a sync's batches is looked up instead of scanning every record of a big portal. A batch opens it
/// (`open_index`); every create, update and archive keeps it current (`reindex`); it is used only while it
/// has seen every record of its type, and dropped when it cannot be kept (a batch undone, a new unique
/// property, a record put in place by a test).
pub struct Index {
    by: HashMap<String, HashMap<String, u64>>,
    /// How many records of the type (archived ones included) the index has seen.
    records: usize,
}

impl Index {
    fn build(sim: &Sim, object: &str) -> Self {
        let records = &sim.objects[object];
        let mut by: HashMap<String, HashMap<String, u64>> = sim
            .property_list(object)
            .into_iter()
            .filter_map(|def| def["name"].as_str())
            .filter(|name| identifies(sim, object, name))
            .map(|name| (name.to_string(), HashMap::with_capacity(records.len())))
            .collect();
        for r in records.values().filter(|r| r.archived_at.is_none()) {
            for (name, values) in by.iter_mut() {
                if let Some(v) = r.properties.get(name).filter(|v| !v.is_empty()) {
                    values.entry(key(object, name, v)).or_insert(r.id);
                }
            }
        }
        Self {
            by,
            records: records.len(),
        }
    }
}

/// The type's index, if it has seen every record of the type.
fn current<'a>(sim: &'a Sim, object: &str) -> Option<&'a Index> {
    sim.indexes
        .get(object)
        .filter(|ix| ix.records == sim.objects[object].len())
}

/// Builds the type's index unless a current one is kept.
pub fn open_index(sim: &mut Sim, object: &'static str) {
    if current(sim, object).is_none() {
        let index = Index::build(sim, object);
        sim.indexes.insert(object, index);
    }
}

/// After a write to record `id` (whose properties were `before`), moves its identifying values in the
/// type's index; an index that missed an earlier change is dropped instead.
pub fn reindex(sim: &mut Sim, object: &str, id: u64, before: &BTreeMap<String, String>) {
    let Some(records) = sim.objects.get(object) else {
        return;
    };
    let Some(index) = sim.indexes.get_mut(object) else {
        return;
    };
    // A create adds one record, an update or archive none; anything else happened behind its back.
    if !(index.records == records.len() || index.records + 1 == records.len()) {
        sim.indexes.remove(object);
        return;
    }
    index.records = records.len();
    let after = records.get(&id).filter(|r| r.archived_at.is_none());
    for (name, values) in index.by.iter_mut() {
        if let Some(old) = before.get(name).filter(|v| !v.is_empty()) {
            let old = key(object, name, old);
            if values.get(&old) == Some(&id) {
                values.remove(&old);
            }
        }
        if let Some(new) = after
            .and_then(|r| r.properties.get(name))
            .filter(|v| !v.is_empty())
        {
            values.insert(key(object, name, new), id);
        }
    }
}

/// A live record by an identifying property's value: from the type's index when it is current, else by a
/// scan.
pub fn find_by(sim: &Sim, object: &str, name: &str, value: &str) -> Option<u64> {
    let wanted = key(object, name, value);
    if let Some(index) = current(sim, object) {
        return index.by.get(name)?.get(&wanted).copied();
    }
    sim.objects[object]
        .values()
        .find(|r| {
            r.archived_at.is_none()
                && r.properties
                    .get(name)
                    .is_some_and(|v| !v.is_empty() && key(object, name, v) == wanted)
        })
        .map(|r| r.id)
}

/// Refuses a write (to record `except`, or a new one) whose identifying values another record holds.
pub fn check(
    sim: &Sim,
    object: &str,
    props: &BTreeMap<String, String>,
    except: Option<u64>,
) -> Result<(), Refusal> {
    for (name, value) in props {
        if value.is_empty() || !identifies(sim, object, name) {
            continue;
        }
        let Some(other) = find_by(sim, object, name, value).filter(|id| Some(*id) != except) else {
            continue;
        };
        let detail = format!(
            "A {} with {name} {value} already exists. Existing ID: {other}",
            singular(object)
        );
        let message = match object == "contacts" && name == "email" {
            true => format!("Contact already exists. Existing ID: {other}"),
            false => detail.clone(),
        };
        return Err(Refusal::new(StatusCode::CONFLICT, "CONFLICT", message)
            .with(json!({"errors": [{"message": detail, "in": name}]})));
    }
    Ok(())
}

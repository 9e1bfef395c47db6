//! Values that may belong to one record only: a contact's e-mail (HubSpot's identifier for contacts,
//! compared without case) and every `hasUniqueValue` property (hubspot-api.md §5 Batch). A second record
//! with the same value is refused with 409 `CONFLICT`: for e-mail, HubSpot's own "Contact already exists.
//! Existing ID: N"; for a unique property, the same wording for that object and property *(inferred)*.

use crate::catalog::singular;
use crate::errors::Refusal;
use crate::objects::value_of;
use crate::properties::is_unique;
use crate::state::Sim;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;

/// Whether two values of `name` name the same record: e-mail addresses are compared without case.
fn same(object: &str, name: &str, a: &str, b: &str) -> bool {
    match (object, name) {
        ("contacts", "email") => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
}

/// Whether `name` identifies records of `object`: a contact's e-mail, or a `hasUniqueValue` property.
pub fn identifies(sim: &Sim, object: &str, name: &str) -> bool {
    (object == "contacts" && name == "email") || is_unique(sim, object, name)
}

/// A live record by a property's value.
pub fn find_by(sim: &Sim, object: &str, name: &str, value: &str) -> Option<u64> {
    sim.objects[object]
        .values()
        .find(|r| {
            r.archived_at.is_none()
                && value_of(sim, object, r, name).is_some_and(|v| same(object, name, &v, value))
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

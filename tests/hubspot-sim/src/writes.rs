//! One record written as HubSpot writes it, for the single-record and the batch endpoints alike: the
//! properties checked against their definitions, the identifying values kept unique, the type's own rules
//! (required properties, invoice status and defaults), and associations given with a create.

use crate::catalog;
use crate::errors::{object_not_found, Refusal};
use crate::invoices;
use crate::objects::stamp;
use crate::properties::check_values;
use crate::state::{Record, Sim};
use crate::uniqueness::{self, find_by, identifies};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The `properties` of a body as strings, the way HubSpot stores every value.
pub fn properties_of(body: &Value) -> Result<BTreeMap<String, String>, Refusal> {
    let Some(map) = body.get("properties").and_then(Value::as_object) else {
        return Err(Refusal::validation("properties is required"));
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            Value::Number(n) => Ok((k.clone(), n.to_string())),
            Value::Bool(b) => Ok((k.clone(), b.to_string())),
            Value::Null => Ok((k.clone(), String::new())),
            _ => Err(Refusal::validation(format!(
                "Property values must be strings: {k}"
            ))),
        })
        .collect()
}

/// An id in a body: HubSpot sends and takes strings, but numbers are read too.
pub fn id_value(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
        .unwrap_or(0)
}

/// The record a path or batch id names: the numeric id, or the value of an identifying `idProperty`
/// (HubSpot's refusal of any other property is its own text).
pub fn resolve(
    sim: &Sim,
    object: &str,
    raw: &str,
    id_property: Option<&str>,
) -> Result<Option<u64>, Refusal> {
    match id_property.filter(|p| *p != "hs_object_id") {
        Some(prop) if identifies(sim, object, prop) => Ok(find_by(sim, object, prop, raw)),
        Some(prop) => Err(not_identifying(sim, object, prop)),
        None => Ok(raw.parse().ok()),
    }
}

fn not_identifying(sim: &Sim, object: &str, prop: &str) -> Refusal {
    Refusal::validation(format!(
        "Unable to perform update/upsert by non-unique {} property {prop} in portal ID {}",
        catalog::type_id(object),
        sim.seed.portal_id
    ))
}

/// The associations a create names: (target type, target id, type id) for each listed type; every type
/// counts (e.g. a deal's company as 341 and as primary, 5), and all of one entry must lead to one type.
fn links_of(
    sim: &Sim,
    object: &str,
    body: &Value,
) -> Result<Vec<(&'static str, u64, u32)>, Refusal> {
    let mut links = Vec::new();
    for a in body
        .get("associations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let to_id = id_value(&a["to"]["id"]);
        let types = a["types"].as_array().map_or(&[][..], Vec::as_slice);
        if types.is_empty() {
            return Err(Refusal::validation(
                "an association needs at least one type",
            ));
        }
        let mut target = None;
        for t in types {
            let type_id = t["associationTypeId"].as_u64().unwrap_or(0) as u32;
            let to = catalog::target_of(object, type_id)
                .filter(|to| {
                    t["associationCategory"] == "HUBSPOT_DEFINED" && target.is_none_or(|x| x == *to)
                })
                .ok_or_else(|| {
                    Refusal::validation(format!(
                        "association type {type_id} is not valid from {object} to this target"
                    ))
                })?;
            target = Some(to);
            links.push((to, to_id, type_id));
        }
        if let Some(to) = target.filter(|to| sim.live(to, to_id).is_none()) {
            return Err(Refusal::validation(format!(
                "association target {to} {to_id} does not exist"
            )));
        }
    }
    Ok(links)
}

pub fn create_record(sim: &mut Sim, object: &str, body: &Value) -> Result<u64, Refusal> {
    let mut props = properties_of(body)?;
    check_values(sim, object, &props)?;
    let missing: Vec<&&str> = catalog::required_on_create(object)
        .iter()
        .filter(|name| props.get(**name).is_none_or(String::is_empty))
        .collect();
    if !missing.is_empty() {
        return Err(Refusal::validation(format!(
            "Missing required properties for {object}: {missing:?}"
        )));
    }
    uniqueness::check(sim, object, &props, None)?;
    let links = links_of(sim, object, body)?;
    if object == "invoices" {
        let linked: Vec<&str> = links.iter().map(|(to, _, _)| *to).collect();
        invoices::check_status(&props, invoices::billable(&props), &linked)?;
        invoices::defaults(&mut props, &stamp(sim.now()));
    }
    let id = sim.next_id();
    let now = sim.now();
    sim.objects.get_mut(object).expect("every type").insert(
        id,
        Record {
            id,
            properties: props,
            created_at: now,
            updated_at: now,
            archived_at: None,
        },
    );
    for (to, to_id, type_id) in links {
        sim.link(object, id, to, to_id, type_id);
    }
    uniqueness::reindex(sim, object, id, &BTreeMap::new());
    Ok(id)
}

/// Merges the body's properties into the record; answers the record as it was (a failed batch puts it back).
pub fn update_record(
    sim: &mut Sim,
    object: &str,
    id: u64,
    body: &Value,
) -> Result<Record, Refusal> {
    let props = properties_of(body)?;
    let Some(current) = sim.live(object, id) else {
        return Err(object_not_found(&id.to_string()));
    };
    check_values(sim, object, &props)?;
    uniqueness::check(sim, object, &props, Some(id))?;
    if object == "invoices" {
        let mut merged = current.properties.clone();
        merged.extend(props.clone());
        let linked: Vec<&str> = sim
            .associations
            .iter()
            .filter(|a| a.from == object && a.from_id == id)
            .map(|a| a.to.as_str())
            .collect();
        invoices::check_status(&props, invoices::billable(&merged), &linked)?;
    }
    let before = current.clone();
    let now = sim.now();
    let record = sim
        .objects
        .get_mut(object)
        .and_then(|r| r.get_mut(&id))
        .expect("checked live");
    record.properties.extend(props);
    record.updated_at = now;
    uniqueness::reindex(sim, object, id, &before.properties);
    Ok(before)
}

/// Whether the record may be moved to the recycle bin (invoices: drafts only).
pub fn check_archive(sim: &Sim, object: &str, id: u64) -> Result<(), Refusal> {
    match (object, sim.live(object, id)) {
        ("invoices", Some(r)) => invoices::check_delete(r),
        _ => Ok(()),
    }
}

/// Moves a record to the recycle bin and drops its associations.
pub fn archive_record(sim: &mut Sim, object: &str, id: u64) {
    let now = sim.now();
    if let Some(r) = sim
        .objects
        .get_mut(object)
        .and_then(|r| r.get_mut(&id))
        .filter(|r| r.archived_at.is_none())
    {
        r.archived_at = Some(now);
        let before = r.properties.clone();
        sim.associations.retain(|a| {
            !((a.from == object && a.from_id == id) || (a.to == object && a.to_id == id))
        });
        uniqueness::reindex(sim, object, id, &before);
    }
}

/// An upsert input: update the record its unique value names (answering it as it was), or create one
/// carrying that value (answering `None`).
pub fn upsert_record(
    sim: &mut Sim,
    object: &str,
    input: &Value,
) -> Result<(u64, Option<Record>), Refusal> {
    let (Some(prop), Some(value)) = (input["idProperty"].as_str(), input["id"].as_str()) else {
        return Err(Refusal::validation("upsert inputs need idProperty and id"));
    };
    // An upsert goes by a unique value only; the record id is not one.
    if !identifies(sim, object, prop) {
        return Err(not_identifying(sim, object, prop));
    }
    match resolve(sim, object, value, Some(prop))? {
        Some(id) => update_record(sim, object, id, input).map(|was| (id, Some(was))),
        None => {
            let mut with_key = input.clone();
            with_key["properties"][prop] = json!(value);
            create_record(sim, object, &with_key).map(|id| (id, None))
        }
    }
}

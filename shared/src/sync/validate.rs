//! Checking an admin's field mappings before they are saved (SYNC_API.md, `invalid_mapping`): every
//! QuickBooks field is one we offer, every HubSpot property exists on the object and takes what the
//! mapping writes, no property is written twice, and the sync's own mappings stay as they are. Pure: the
//! object's HubSpot properties come in as a list.

use super::fields::{derived, key_mapping, locked, quickbooks_field, QboField};
use super::SyncObject;
use crate::domain::mapping::{Mapping, Shape};
use crate::hubspot::properties::PropertyDef;
use std::collections::HashSet;
use thiserror::Error;

/// Most QuickBooks fields one mapping falls back through.
const MAX_SOURCES: usize = 5;

/// A refused mapping: which one (its 1-based position in the list as sent, as the page's table numbers
/// its rows) and why, in words an admin can act on.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{object} mapping {position} (→ \"{target}\"): {reason}")]
pub struct Refusal {
    pub object: &'static str,
    pub position: usize,
    pub target: String,
    pub reason: String,
}

fn singular(object: SyncObject) -> &'static str {
    match object {
        SyncObject::Contacts => "contact",
        SyncObject::Products => "product",
        SyncObject::Invoices => "invoice",
    }
}

/// The mappings to store for `object`: `sent` as sent, the sync's own ones kept where they were left out,
/// and the key left out (the sync writes it on every record whatever the list says).
pub fn checked(
    object: SyncObject,
    sent: &[Mapping],
    properties: &[PropertyDef],
) -> Result<Vec<Mapping>, Refusal> {
    let locked = locked(object);
    let mut seen = HashSet::new();
    for (i, m) in sent.iter().enumerate() {
        let refuse = |reason: String| Refusal {
            object: object.hubspot_object(),
            position: i + 1,
            target: m.target.clone(),
            reason,
        };
        if !seen.insert(m.target.as_str()) {
            return Err(refuse(format!(
                "another mapping already writes \"{}\"; a property takes one mapping",
                m.target
            )));
        }
        if let Some(own) = locked.iter().find(|l| l.target == m.target) {
            if own != m {
                return Err(refuse(format!(
                    "the sync needs this mapping as it is ({} → \"{}\"); it cannot be changed",
                    own.sources.join(", "),
                    own.target
                )));
            }
            continue;
        }
        check_one(object, m, properties).map_err(refuse)?;
    }
    let key = key_mapping(object);
    let mut out: Vec<Mapping> = sent.iter().filter(|m| **m != key).cloned().collect();
    for l in locked.into_iter().filter(|l| *l != key) {
        if !out.iter().any(|m| m.target == l.target) {
            out.push(l);
        }
    }
    Ok(out)
}

fn check_one(object: SyncObject, m: &Mapping, properties: &[PropertyDef]) -> Result<(), String> {
    if m.target.trim().is_empty() {
        return Err("choose the HubSpot property to write".into());
    }
    if m.sources.is_empty() {
        return Err("choose the QuickBooks field to read".into());
    }
    if m.sources.len() > MAX_SOURCES {
        return Err(format!(
            "a mapping reads at most {MAX_SOURCES} QuickBooks fields"
        ));
    }
    if derived(object).contains(&m.target.as_str()) {
        return Err(format!(
            "the sync writes \"{}\" itself; choose another property",
            m.target
        ));
    }
    let mut fields = Vec::new();
    for s in &m.sources {
        let field = quickbooks_field(object, s).ok_or_else(|| {
            format!(
                "QuickBooks has no {} field \"{s}\" the sync can read",
                object.entity()
            )
        })?;
        if !reads_as(field.shape, m.shape) {
            return Err(format!(
                "QuickBooks' \"{}\" is {}, it cannot be written as {}",
                field.label,
                shape_words(field.shape),
                shape_words(m.shape)
            ));
        }
        fields.push(field);
    }
    let property = properties
        .iter()
        .find(|p| p.name == m.target)
        .ok_or_else(|| {
            format!(
                "HubSpot has no {} property \"{}\"",
                singular(object),
                m.target
            )
        })?;
    if property.read_only {
        return Err(format!(
            "HubSpot calculates \"{}\" itself; it cannot be written",
            property.label
        ));
    }
    fits(m.shape, &fields, property)
}

/// Whether a field of `source` shape can be written with `shape` (numbers and flags read as text too).
fn reads_as(source: Shape, shape: Shape) -> bool {
    source == shape || shape == Shape::Text
}

fn shape_words(shape: Shape) -> &'static str {
    match shape {
        Shape::Text => "text",
        Shape::Number => "a number",
        Shape::Date => "a date",
        Shape::Bool => "true or false",
    }
}

/// Whether `property` takes what a mapping of `shape` reading `fields` writes.
fn fits(shape: Shape, fields: &[QboField], property: &PropertyDef) -> Result<(), String> {
    let kind = property.kind.as_str();
    let name = &property.label;
    let refused = || {
        Err(format!(
            "\"{name}\" is a HubSpot {} property; it cannot take {}",
            kind_words(kind),
            shape_words(shape)
        ))
    };
    match (shape, kind) {
        (_, "string") => {
            if shape == Shape::Date {
                // A date is written as epoch milliseconds: in a text property that is a meaningless number.
                return refused();
            }
            Ok(())
        }
        (Shape::Number, "number") | (Shape::Date, "date" | "datetime") | (Shape::Bool, "bool") => {
            Ok(())
        }
        (Shape::Bool, "enumeration") => options_take(property, &["true", "false"]),
        (Shape::Text, "enumeration") => {
            let mut values = Vec::new();
            for field in fields {
                if field.values.is_empty() {
                    return Err(format!(
                        "\"{name}\" is a HubSpot choice list; QuickBooks' \"{}\" is free text that need not be one of its options",
                        field.label
                    ));
                }
                values.extend_from_slice(field.values);
            }
            options_take(property, &values)
        }
        _ => refused(),
    }
}

fn options_take(property: &PropertyDef, values: &[&str]) -> Result<(), String> {
    match values
        .iter()
        .find(|v| !property.options.iter().any(|o| o.value == **v))
    {
        Some(missing) => Err(format!(
            "\"{}\" has no option \"{missing}\", a value QuickBooks can send",
            property.label
        )),
        None => Ok(()),
    }
}

fn kind_words(kind: &str) -> &str {
    match kind {
        "string" => "text",
        "number" => "number",
        "date" | "datetime" => "date",
        "enumeration" => "choice list",
        "bool" => "yes/no",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mapping::defaults;
    use crate::hubspot::properties::PropertyOption;

    fn prop(name: &str, kind: &str, read_only: bool, options: &[&str]) -> PropertyDef {
        PropertyDef {
            name: name.into(),
            label: name.into(),
            kind: kind.into(),
            field_type: String::new(),
            read_only,
            options: options
                .iter()
                .map(|o| PropertyOption {
                    value: o.to_string(),
                    label: o.to_string(),
                })
                .collect(),
        }
    }

    fn contact_props() -> Vec<PropertyDef> {
        let mut props: Vec<PropertyDef> = defaults(SyncObject::Contacts)
            .iter()
            .map(|m| prop(&m.target, "string", false, &[]))
            .collect();
        props.extend([
            prop("numberofemployees", "number", false, &[]),
            prop("hs_calculated", "string", true, &[]),
            prop(
                "lifecyclestage",
                "enumeration",
                false,
                &["lead", "customer"],
            ),
            prop(
                "delivery",
                "enumeration",
                false,
                &["Print", "Email", "None"],
            ),
            prop("birthday", "date", false, &[]),
            prop("jobtitle", "string", false, &[]),
        ]);
        props
    }

    fn m(sources: &[&str], target: &str, shape: Shape) -> Mapping {
        Mapping {
            sources: sources.iter().map(|s| s.to_string()).collect(),
            target: target.into(),
            shape,
        }
    }

    fn refusal(extra: Mapping) -> String {
        let mut sent = defaults(SyncObject::Contacts);
        sent.push(extra);
        checked(SyncObject::Contacts, &sent, &contact_props())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn the_defaults_pass_and_locked_mappings_left_out_are_kept() {
        let props = contact_props();
        let all = checked(
            SyncObject::Contacts,
            &defaults(SyncObject::Contacts),
            &props,
        )
        .unwrap();
        assert_eq!(all, defaults(SyncObject::Contacts));
        let editable: Vec<Mapping> = defaults(SyncObject::Contacts)
            .into_iter()
            .filter(|m| !m.target.starts_with("qbo_"))
            .chain([key_mapping(SyncObject::Contacts)])
            .collect();
        let kept = checked(SyncObject::Contacts, &editable, &props).unwrap();
        assert!(kept.iter().any(|m| m.target == "qbo_balance"));
        assert!(!kept.iter().any(|m| m.target == "qbo_customer_key"));
    }

    #[test]
    fn each_kind_of_bad_mapping_is_refused_naming_it() {
        let n = defaults(SyncObject::Contacts).len() + 1;
        for (bad, words) in [
            (
                m(&["Nope"], "jobtitle", Shape::Text),
                "no Customer field \"Nope\"",
            ),
            (
                m(&["Notes"], "foo", Shape::Text),
                "HubSpot has no contact property \"foo\"",
            ),
            (m(&["Notes"], "hs_calculated", Shape::Text), "calculates"),
            (
                m(&["Notes"], "numberofemployees", Shape::Text),
                "cannot take text",
            ),
            (
                m(&["Notes"], "numberofemployees", Shape::Number),
                "is text, it cannot be written as a number",
            ),
            (m(&["Notes"], "lifecyclestage", Shape::Text), "free text"),
            (
                m(&["PreferredDeliveryMethod"], "lifecyclestage", Shape::Text),
                "no option \"Print\"",
            ),
            (
                m(&["Notes"], "city", Shape::Text),
                "another mapping already writes",
            ),
            (
                m(&["Notes"], "qbo_realm_id", Shape::Text),
                "writes \"qbo_realm_id\" itself",
            ),
            (
                m(&[], "birthday", Shape::Date),
                "choose the QuickBooks field",
            ),
        ] {
            let message = refusal(bad);
            assert!(message.contains(words), "{message}");
            assert!(
                message.starts_with(&format!("contacts mapping {n} ")),
                "{message}"
            );
        }
    }

    #[test]
    fn a_locked_mapping_changed_in_place_is_refused() {
        let mut sent = defaults(SyncObject::Contacts);
        let at = sent.iter().position(|m| m.target == "qbo_balance").unwrap();
        sent[at].sources = vec!["BalanceWithJobs".into()];
        let message = checked(SyncObject::Contacts, &sent, &contact_props())
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with(&format!("contacts mapping {} ", at + 1)),
            "{message}"
        );
        assert!(message.contains("cannot be changed"), "{message}");
        let mut key = key_mapping(SyncObject::Contacts);
        key.sources = vec!["DisplayName".into()];
        sent = defaults(SyncObject::Contacts);
        sent.push(key);
        let message = checked(SyncObject::Contacts, &sent, &contact_props())
            .unwrap_err()
            .to_string();
        assert!(message.contains("cannot be changed"), "{message}");
    }

    #[test]
    fn fitting_custom_mappings_pass() {
        let props = contact_props();
        let mut sent = defaults(SyncObject::Contacts);
        sent.push(m(&["PreferredDeliveryMethod"], "delivery", Shape::Text));
        sent.push(m(&["Balance"], "numberofemployees", Shape::Number));
        assert!(checked(SyncObject::Contacts, &sent, &props).is_ok());
    }
}

//! What HubSpot does to its native invoices (hubspot-api.md §5 Native Invoices; HubSpot's invoices guide):
//! a new invoice is a `draft` dated now; the amount billed is the sum of its line items, and the amount paid
//! and the balance follow from HubSpot payments, which no app can record ("Recording payments manually is
//! not possible via the API"), so an app can neither write those amounts nor mark an invoice `paid`; a
//! billable invoice moves to `open` only with a contact and at least one line item associated (a
//! non-billable one skips that validation); only drafts can be deleted (open ones only when an account
//! setting allows it, off here).

use crate::errors::Refusal;
use crate::line_items;
use crate::state::{Record, Sim};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The invoice's line items' amounts added up, as `hs_amount_billed` reports it (`None` while a line has
/// no computable amount, rather than a wrong total).
fn billed(sim: &Sim, r: &Record) -> Option<Decimal> {
    sim.associations_of("invoices", r.id, "line_items")
        .into_iter()
        .filter_map(|a| sim.live("line_items", a.to_id))
        .try_fold(Decimal::ZERO, |sum, line| {
            let amount = Decimal::from_str(&line_items::amount(&line.properties)?).ok()?;
            sum.checked_add(amount)
        })
}

fn paid(r: &Record) -> bool {
    r.properties.get("hs_invoice_status").map(String::as_str) == Some("paid")
}

/// The amounts HubSpot computes on an invoice, by property name.
pub fn computed(sim: &Sim, r: &Record, name: &str) -> Option<Option<String>> {
    let text = |d: Decimal| Some(d.normalize().to_string());
    let value = match name {
        "hs_amount_billed" => billed(sim, r).and_then(text),
        // Only a payment recorded in HubSpot (a seed can mark an invoice paid) settles the balance.
        "hs_amount_paid" => match paid(r) {
            true => billed(sim, r).and_then(text),
            false => text(Decimal::ZERO),
        },
        "hs_balance_due" => match paid(r) {
            true => text(Decimal::ZERO),
            false => billed(sim, r).and_then(text),
        },
        _ => return None,
    };
    Some(value)
}

/// What a create leaves unset and HubSpot fills in: the status and the two dates.
pub fn defaults(props: &mut BTreeMap<String, String>, now: &str) {
    for (name, value) in [
        ("hs_invoice_status", "draft"),
        ("hs_invoice_date", now),
        ("hs_due_date", now),
    ] {
        let slot = props.entry(name.to_string()).or_default();
        if slot.is_empty() {
            *slot = value.to_string();
        }
    }
}

/// Whether the write may set the invoice's status: never `paid`; `open` (when billable) only with a contact
/// and a line item among `linked_to` (the associated object types after the write).
pub fn check_status(
    props: &BTreeMap<String, String>,
    billable: bool,
    linked_to: &[&str],
) -> Result<(), Refusal> {
    match props.get("hs_invoice_status").map(String::as_str) {
        Some("paid") => Err(Refusal::validation(
            "An invoice is paid by recording a payment in HubSpot, which is not possible via the API; hs_invoice_status cannot be set to paid.",
        )),
        Some("open")
            if billable
                && !(linked_to.contains(&"contacts") && linked_to.contains(&"line_items")) =>
        {
            Err(Refusal::validation(
                "To move an invoice to the Open status, one contact and at least one line item must be associated.",
            ))
        }
        _ => Ok(()),
    }
}

/// Whether the merged properties describe a billable invoice (the default).
pub fn billable(props: &BTreeMap<String, String>) -> bool {
    props.get("hs_invoice_billable").map(String::as_str) != Some("false")
}

/// Only a draft invoice can be deleted.
pub fn check_delete(r: &Record) -> Result<(), Refusal> {
    match r.properties.get("hs_invoice_status").map(String::as_str) {
        None | Some("draft") => Ok(()),
        Some(status) => Err(Refusal::validation(format!(
            "Invoice {} cannot be deleted: only draft invoices can be deleted (status {status}).",
            r.id
        ))),
    }
}

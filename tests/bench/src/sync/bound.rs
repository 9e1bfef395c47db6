//! The fewest calls a first sync of a company can make (issue 12): QuickBooks returns at most 1,000 rows
//! a query, HubSpot takes at most 100 records a batch write and 2,000 associations a batch create.

use serde_json::Value;
use std::collections::HashSet;

/// QuickBooks rows per query answer (quickbooks-api.md §4).
const ROWS: usize = 1000;
/// HubSpot records per batch write and associations per batch create (hubspot-api.md §5).
const RECORDS: usize = 100;
const ASSOCIATIONS: usize = 2000;
/// The sync's objects in HubSpot: contacts, products, invoices and line items. On a portal's first sync
/// each needs its property group and its properties created; HubSpot can create them in two calls (the
/// group, then `/batch/create`), and the bound counts those one-off calls as two per object.
const OBJECTS: usize = 4;
const PROPERTY_CALLS_PER_OBJECT: usize = 2;

/// What QuickBooks holds for one company, as a full read returns it.
pub struct Company<'a> {
    pub customers: &'a [Value],
    pub items: &'a [Value],
    pub invoices: &'a [Value],
}

#[derive(Debug, PartialEq, Eq)]
pub struct Bound {
    pub quickbooks: usize,
    pub hubspot: usize,
}

impl Bound {
    pub fn total(&self) -> usize {
        self.quickbooks + self.hubspot
    }
}

fn active(r: &&Value) -> bool {
    r["Active"] != false
}

/// The sum of:
/// - Σ ceil(N/1000) QuickBooks reads (inactive customers and items too: a full read must see them);
/// - Σ ceil(N/100) HubSpot batch writes of contacts (one per e-mail, since customers sharing one share a
///   contact, and one per customer without), products (active items), invoices and their line items
///   (HubSpot takes an invoice's amount from its line items);
/// - ceil(N/2000) association creates per association type (invoice → line item, invoice → its customer's
///   contact), since a batch create holds one type pair;
/// - the property calls.
pub fn of(company: &Company) -> Bound {
    let quickbooks = [company.customers, company.items, company.invoices]
        .iter()
        .map(|records| records.len().div_ceil(ROWS))
        .sum();

    let mut emails = HashSet::new();
    let mut contacts = 0;
    let mut with_contact = HashSet::new();
    for c in company.customers.iter().filter(active) {
        with_contact.insert(c["Id"].as_str().unwrap_or_default());
        match c
            .pointer("/PrimaryEmailAddr/Address")
            .and_then(Value::as_str)
        {
            Some(e) if !e.trim().is_empty() => {
                emails.insert(e.trim().to_lowercase());
            }
            _ => contacts += 1,
        }
    }
    let contacts = contacts + emails.len();
    let products = company.items.iter().filter(active).count();
    let invoices = company.invoices.len();
    let lines: usize = company.invoices.iter().map(sales_lines).sum();
    let invoice_contacts = company
        .invoices
        .iter()
        .filter(|i| {
            i.pointer("/CustomerRef/value")
                .and_then(Value::as_str)
                .is_some_and(|c| with_contact.contains(c))
        })
        .count();
    let hubspot = [contacts, products, invoices, lines]
        .iter()
        .map(|n| n.div_ceil(RECORDS))
        .sum::<usize>()
        + lines.div_ceil(ASSOCIATIONS)
        + invoice_contacts.div_ceil(ASSOCIATIONS)
        + OBJECTS * PROPERTY_CALLS_PER_OBJECT;
    Bound {
        quickbooks,
        hubspot,
    }
}

/// An invoice's item lines: each is a HubSpot line item.
fn sales_lines(invoice: &Value) -> usize {
    invoice["Line"].as_array().map_or(0, |lines| {
        lines
            .iter()
            .filter(|l| l["DetailType"] == "SalesItemLineDetail" && l["Id"].is_string())
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_api_is_charged_its_own_page_size() {
        let customers: Vec<Value> = (0..1001)
            .map(|n| {
                let email = match n % 3 {
                    0 => json!({"Address": format!("c{n}@x.test")}),
                    1 => json!({"Address": "Shared@x.test "}),
                    _ => Value::Null,
                };
                json!({"Id": n.to_string(), "Active": n != 5, "PrimaryEmailAddr": email})
            })
            .collect();
        let items = vec![json!({"Id": "1"}), json!({"Id": "2", "Active": false})];
        let line = json!({"Id": "1", "DetailType": "SalesItemLineDetail"});
        let subtotal = json!({"DetailType": "SubTotalLineDetail"});
        let invoices: Vec<Value> = (0..150)
            .map(|n| {
                json!({"Id": format!("i{n}"), "CustomerRef": {"value": (n % 10).to_string()},
                            "Line": [line, line, subtotal]})
            })
            .collect();
        let bound = of(&Company {
            customers: &customers,
            items: &items,
            invoices: &invoices,
        });
        // 2 + 1 + 1 QuickBooks pages.
        assert_eq!(bound.quickbooks, 4);
        // Contacts: 333 without e-mail (one of them, n = 5, inactive: 332) + 334 own e-mails + 1 shared =
        // 667 → 7 batches; 1 product; 150 invoices → 2; 300 lines → 3; associations 1 + 1 (invoices of
        // customer 5 have no contact, the others do); 8 property calls.
        assert_eq!(bound.hubspot, 7 + 1 + 2 + 3 + 1 + 1 + 8);
    }
}

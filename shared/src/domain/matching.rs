//! Matching what HubSpot knows to what QuickBooks has (I4, W4, W5, B3): a line item to an item, a contact to
//! a customer, and the names a new customer may take. Case and surrounding blanks never matter.

use super::draft::SourceLine;
use crate::quickbooks::entities::{Customer, Item};
use serde::{Deserialize, Serialize};

fn same_text(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The QuickBooks item for a HubSpot line: same SKU first (SKUs are what both sides agree on), then the
/// same name. Case and surrounding blanks never matter.
pub fn match_item<'a>(line: &SourceLine, items: &'a [Item]) -> Option<&'a Item> {
    let by_sku = line
        .sku
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|sku| {
            items
                .iter()
                .find(|i| i.sku.as_deref().is_some_and(|s| same_text(s, sku)))
        });
    by_sku.or_else(|| items.iter().find(|i| same_text(&i.name, &line.name)))
}

/// Who the document is for, as HubSpot knows them: the record's contact and company.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonHint {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub company_name: Option<String>,
}

impl PersonHint {
    pub fn full_name(&self) -> Option<String> {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!name.is_empty()).then_some(name)
    }

    /// The display name a new customer gets: the company, else the person.
    pub fn display_name(&self) -> Option<String> {
        self.company_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| self.full_name())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Email,
    Name,
}

/// The QuickBooks customer for a contact: the same e-mail first (I4, W4), then the same first and last
/// name, then a display name equal to the person's or the company's name. With several per-currency
/// customers (B6) the one in `currency` wins among equals.
pub fn match_customer<'a>(
    hint: &PersonHint,
    customers: &'a [Customer],
    currency: &str,
) -> Option<(&'a Customer, MatchedBy)> {
    let prefer_currency = |found: Vec<&'a Customer>| -> Option<&'a Customer> {
        found
            .iter()
            .find(|c| c.currency.as_ref().is_some_and(|r| r.value == currency))
            .or(found.first())
            .copied()
    };
    if let Some(email) = hint.email.as_deref().filter(|e| !e.trim().is_empty()) {
        let found: Vec<_> = customers
            .iter()
            .filter(|c| c.email().is_some_and(|e| same_text(e, email)))
            .collect();
        if let Some(c) = prefer_currency(found) {
            return Some((c, MatchedBy::Email));
        }
    }
    let names: Vec<String> = [hint.full_name(), hint.company_name.clone()]
        .into_iter()
        .flatten()
        .filter(|n| !n.trim().is_empty())
        .collect();
    let found: Vec<_> = customers
        .iter()
        .filter(|c| {
            let given_family = match (
                &c.given_name,
                &c.family_name,
                &hint.first_name,
                &hint.last_name,
            ) {
                (Some(g), Some(f), Some(hg), Some(hf)) => same_text(g, hg) && same_text(f, hf),
                _ => false,
            };
            given_family || names.iter().any(|n| same_text(&c.display_name, n))
        })
        .collect();
    prefer_currency(found).map(|c| (c, MatchedBy::Name))
}

/// QuickBooks refuses `:`, tabs and newlines in names (quickbooks-api.md §2) and caps them at 100 characters.
pub fn clean_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, ':' | '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    words.join(" ").chars().take(100).collect()
}

/// A display name no existing customer has (B3): `Acme Ltd`, else `Acme Ltd (2)`, `(3)`, … QuickBooks
/// compares names case-insensitively.
pub fn unique_display_name(wanted: &str, taken: &[String]) -> String {
    let wanted = clean_name(wanted);
    let is_taken = |n: &str| taken.iter().any(|t| same_text(t, n));
    if !is_taken(&wanted) {
        return wanted;
    }
    (2..)
        .map(|i| format!("{wanted} ({i})"))
        .find(|n| !is_taken(n))
        .expect("an unbounded range always yields a free name")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{customer, item, line};

    #[test]
    fn items_match_by_sku_then_name() {
        let items = [
            item("1", "Consulting hours", Some("SVC-CONSULT")),
            item("2", "Widget", None),
        ];
        assert_eq!(
            match_item(&line("Other name", Some(" svc-consult ")), &items)
                .unwrap()
                .id,
            "1"
        );
        assert_eq!(
            match_item(&line("widget", Some("UNKNOWN")), &items)
                .unwrap()
                .id,
            "2"
        );
        assert_eq!(
            match_item(&line("widget", Some("")), &items).unwrap().id,
            "2"
        );
        assert!(match_item(&line("Mystery box", Some("NO-MATCH-1")), &items).is_none());
    }

    #[test]
    fn customers_match_by_email_first_then_name_preferring_the_currency() {
        let customers = [
            customer("58", "Acme Ltd", Some("billing@acme.example"), "USD"),
            customer("59", "Acme Ltd.", Some("ap@acme.example"), "USD"),
            customer("21", "Northwind (CAD)", Some("ap@northwind.example"), "CAD"),
            customer("22", "Northwind (USD)", Some("ap@northwind.example"), "USD"),
        ];
        let by_email = PersonHint {
            email: Some("AP@acme.example".into()),
            ..Default::default()
        };
        let (c, how) = match_customer(&by_email, &customers, "USD").unwrap();
        assert_eq!((c.id.as_str(), how), ("59", MatchedBy::Email));
        let per_currency = PersonHint {
            email: Some("ap@northwind.example".into()),
            ..Default::default()
        };
        assert_eq!(
            match_customer(&per_currency, &customers, "USD")
                .unwrap()
                .0
                .id,
            "22"
        );
        assert_eq!(
            match_customer(&per_currency, &customers, "CAD")
                .unwrap()
                .0
                .id,
            "21"
        );
        let by_company = PersonHint {
            email: Some("nobody@else.example".into()),
            company_name: Some("acme ltd".into()),
            ..Default::default()
        };
        let (found, how) = match_customer(&by_company, &customers, "USD").unwrap();
        assert_eq!((found.id.as_str(), how), ("58", MatchedBy::Name));
        let stranger = PersonHint {
            first_name: Some("New".into()),
            last_name: Some("Customer".into()),
            email: Some("new@example.com".into()),
            company_name: None,
        };
        assert!(match_customer(&stranger, &customers, "USD").is_none());
        let same_person = PersonHint {
            first_name: Some("ada".into()),
            last_name: Some("LOVELACE".into()),
            ..Default::default()
        };
        assert_eq!(
            match_customer(&same_person, &customers, "USD").unwrap().1,
            MatchedBy::Name
        );
    }

    #[test]
    fn display_names_never_collide() {
        let taken = vec!["Acme Ltd".to_string(), "acme ltd (2)".to_string()];
        assert_eq!(unique_display_name("Acme Ltd", &taken), "Acme Ltd (3)");
        assert_eq!(unique_display_name("Acme Ltd.", &taken), "Acme Ltd.");
        assert_eq!(unique_display_name("Bad:\tname\n", &[]), "Bad name");
        assert_eq!(clean_name(&"x".repeat(150)).len(), 100);
    }
}

//! HubSpot's scope names and which of them each endpoint accepts (any one), as the per-operation `security`
//! blocks of the SPEC name them (`HubSpot/HubSpot-public-api-spec-collection` at 9989379, read for facts
//! only). Scope names are not derived from object names: commerce payments are `commercepayments`, notes
//! ride on the contacts scopes, and some schema scopes exist only for reading. The consent screen refuses
//! a name missing here, as HubSpot does.

/// Every scope the simulator knows, each one HubSpot defines. Operations' `security` blocks list more (tickets,
/// custom objects, sensitive-data scopes, …) for objects the simulator does not serve.
pub const KNOWN: &[&str] = &[
    "oauth",
    "automation",
    // The older scope the commerce objects (products, line items, quotes) still accept.
    "e-commerce",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.products.read",
    "crm.objects.products.write",
    "crm.objects.line_items.read",
    "crm.objects.line_items.write",
    "crm.objects.quotes.read",
    "crm.objects.quotes.write",
    "crm.objects.invoices.read",
    "crm.objects.invoices.write",
    "crm.objects.commercepayments.read",
    "crm.objects.commercepayments.write",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
    "crm.schemas.companies.read",
    "crm.schemas.companies.write",
    "crm.schemas.deals.read",
    "crm.schemas.deals.write",
    "crm.schemas.quotes.read",
    "crm.schemas.quotes.write",
    "crm.schemas.invoices.read",
    "crm.schemas.invoices.write",
    "crm.schemas.commercepayments.read",
    "crm.schemas.commercepayments.write",
    // No `.write` counterpart exists for line items; products have no schema scope at all (`e-commerce`).
    "crm.schemas.line_items.read",
    "crm.schemas.notes.read",
];

pub fn is_known(scope: &str) -> bool {
    KNOWN.contains(&scope)
}

/// The word an object type's scopes use (`crm.objects.{word}.read`); notes use the contacts scopes.
fn scope_word(object: &str) -> &str {
    match object {
        "commerce_payments" => "commercepayments",
        "notes" => "contacts",
        other => other,
    }
}

/// Objects whose operations also accept `e-commerce`.
fn commerce(object: &str) -> bool {
    matches!(object, "products" | "line_items" | "quotes")
}

fn access(write: bool) -> &'static str {
    if write {
        "write"
    } else {
        "read"
    }
}

/// Known scopes only: an operation never accepts a name HubSpot does not define.
fn known(names: impl IntoIterator<Item = String>) -> Vec<String> {
    names.into_iter().filter(|s| is_known(s)).collect()
}

/// `/crm/v3/objects/{type}…`: read (get, list, batch read, search) or write (create, update, archive, batch).
pub fn object(object: &str, write: bool) -> Vec<String> {
    let own = format!("crm.objects.{}.{}", scope_word(object), access(write));
    let extra = commerce(object).then(|| "e-commerce".to_string());
    known([own].into_iter().chain(extra))
}

/// Property and group writes: the type's schema write scope (none exists for line items or products) or
/// `e-commerce` for the commerce types.
pub fn schema_write(object: &str) -> Vec<String> {
    let own = format!("crm.schemas.{}.write", scope_word(object));
    let extra = commerce(object).then(|| "e-commerce".to_string());
    known([own].into_iter().chain(extra))
}

/// Property and group reads take any object or schema scope, `e-commerce` or `automation` (not `oauth`).
pub fn schema_read() -> Vec<String> {
    known(
        KNOWN
            .iter()
            .filter(|s| s.starts_with("crm.") || **s == "e-commerce" || **s == "automation")
            .map(|s| s.to_string()),
    )
}

/// Associations v4 take any object scope or `e-commerce`; the single-record paths
/// (`/crm/v4/objects/{type}/{id}/associations/…`) also take `oauth`, the batch paths do not.
pub fn associations(single_record: bool) -> Vec<String> {
    KNOWN
        .iter()
        .filter(|s| {
            s.starts_with("crm.objects.")
                || **s == "e-commerce"
                || (single_record && **s == "oauth")
        })
        .map(|s| s.to_string())
        .collect()
}

/// Every known scope, as a test token holds them.
pub fn all() -> Vec<String> {
    KNOWN.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_scopes_follow_the_spec_not_the_object_name() {
        assert_eq!(
            object("commerce_payments", false),
            ["crm.objects.commercepayments.read"]
        );
        assert_eq!(object("notes", true), ["crm.objects.contacts.write"]);
        assert_eq!(
            object("line_items", false),
            ["crm.objects.line_items.read", "e-commerce"]
        );
        assert_eq!(schema_write("line_items"), ["e-commerce"]);
        assert_eq!(schema_write("deals"), ["crm.schemas.deals.write"]);
        assert!(!is_known("crm.objects.commerce_payments.read"));
        assert!(!associations(false).contains(&"oauth".to_string()));
        assert!(associations(true).contains(&"oauth".to_string()));
    }
}

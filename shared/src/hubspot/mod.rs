//! HubSpot: OAuth and the CRM APIs we call (hubspot-api.md).

pub mod api;
pub mod batch;
pub mod crm;
pub mod oauth;
pub mod properties;

pub use api::{HubSpotApi, HubSpotError};

/// Required scopes: the card's objects (deals, contacts, companies) read/write, what documents are drafted
/// from (line items, products, quotes, a deal's payments for paid invoices), our deal properties, workflow
/// callbacks (hubspot-api.md §3b, §4, §5), and what the sync writes: contacts, products, invoices and their
/// line items, with our properties on them (`e-commerce` is the only scope that creates product and line
/// item properties).
pub const SCOPES: &[&str] = &[
    "oauth",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.line_items.read",
    "crm.objects.line_items.write",
    "crm.objects.products.read",
    "crm.objects.products.write",
    "crm.objects.quotes.read",
    "crm.objects.invoices.read",
    "crm.objects.invoices.write",
    "crm.objects.commercepayments.read",
    "crm.schemas.deals.write",
    "crm.schemas.contacts.write",
    "crm.schemas.invoices.write",
    "e-commerce",
    "automation",
];

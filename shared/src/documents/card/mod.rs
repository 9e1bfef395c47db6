//! What the invoice card asks for (functions/invoice-card/API.md), one module per use case: a record's
//! documents, a draft proposal, searches, creating, linking and sending. Previews are `documents::preview`.

mod create;
mod link;
mod portion;
mod proposal;
mod record;
mod search;
mod send;

pub use create::{create_from_card, CardCreate, CardCustomer, CardLine};
pub use link::{link_existing, DocRef};
pub use proposal::{
    draft_proposal, CompanyFacts, CustomerProposal, DraftProposal, ProposedLine, Source,
    TaxCodeView, TermView,
};
pub use record::{record_documents, RecordDocuments};
pub use search::{
    search_customers, search_invoices, search_items, CustomerView, InvoiceSearch, ItemView,
};
pub use send::send_invoice;

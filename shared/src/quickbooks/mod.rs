//! QuickBooks Online: Intuit OAuth and the Accounting API (quickbooks-api.md).

pub mod api;
pub mod entities;
pub mod fault;
pub mod oauth;
pub mod webhook;
pub mod wire;

pub use api::{CompanyProfile, QboApi, Stamped};
pub use fault::{FaultKind, QboError};

/// Accounting scope: all this integration needs (quickbooks-api.md §1, Scopes).
pub const SCOPE: &str = "com.intuit.quickbooks.accounting";
/// Requests without it, or below it, are served as 75 since 2025-08 (quickbooks-api.md §7); we send it always.
pub const MINOR_VERSION: &str = "75";

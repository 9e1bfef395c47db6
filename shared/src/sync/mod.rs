//! The scheduled sync (S1–S3, S5, B8): QuickBooks customers, items and invoices into HubSpot contacts,
//! products and invoices, one company at a time, resumable at every page.
//!
//! `plan` turns the schedule's tick into one queued job per active company; `work` runs queued jobs,
//! one company's run at a time per portal (a lease), re-queueing what it could not finish.

pub mod apply;
mod contacts;
pub mod cursor;
pub mod failures;
pub mod fields;
pub mod health;
pub mod idmap;
mod invoices;
pub mod linked;
pub mod metrics;
pub mod properties;
pub mod pull;
pub mod queue;
pub mod resync;
pub mod run;
pub mod settings;
pub mod validate;
pub mod webhook;
pub mod wiring;
pub mod worker;

pub use crate::domain::mapping::SyncObject;
pub use queue::{Job, JobQueue, SqsQueue};

//! QuickBooks sales documents for HubSpot records: creating them exactly once, linking, refreshing their
//! snapshots, the deal's properties, and what the card and the workflow actions ask for.

pub mod card;
pub mod catalog;
pub mod company;
pub mod create;
pub mod deal;
pub mod items;
pub mod links;
pub mod lookup;
pub mod once;
pub mod payments;
pub mod preview;
pub mod refresh;
pub mod source;
pub mod view;

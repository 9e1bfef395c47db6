//! Pure logic, no I/O: what the card, the workflow actions and the sync decide.

pub mod draft;
pub mod mapping;
pub mod money;
pub mod portion;
pub mod pricing;
pub mod snapshot;
pub mod status;
pub mod text;

//! Pure logic, no I/O: what the card, the workflow actions and the sync decide.

pub mod draft;
pub mod portion;
pub mod snapshot;
pub mod status;

//! Pure logic, no I/O: what the card, the workflow actions and the sync decide.

pub mod doc_number;
pub mod draft;
pub mod due;
#[cfg(test)]
mod fixtures;
pub mod mapping;
pub mod matching;
pub mod money;
pub mod portion;
pub mod pricing;
pub mod snapshot;
pub mod status;
pub mod text;
pub mod unmatched;
pub mod workflow_draft;

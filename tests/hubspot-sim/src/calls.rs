//! The request log counted by kind of call, so tests and the bench can tell what a sync cost: batch writes,
//! single-record writes, association writes, searches, reads, property writes. Every logged request counts,
//! the ones answered 429 too (they were made).

use serde::Serialize;
use sim_kit::LoggedRequest;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallKind {
    /// `POST …/objects/{type}/batch/{create,update,upsert,archive}`.
    BatchWrite,
    /// A single-record create, update or archive.
    Write,
    /// Association creates and deletes, single or batch.
    AssociationWrite,
    Search,
    /// Record, association and property reads, `batch/read` included.
    Read,
    /// Property and property group definitions.
    PropertyWrite,
    /// OAuth, account details, workflow callbacks.
    Other,
}

impl CallKind {
    pub fn of(method: &str, path: &str) -> Self {
        let read = method == "GET" || path.ends_with("/batch/read");
        if path.starts_with("/oauth/") {
            Self::Other
        } else if path.contains("/associations") {
            match read {
                true => Self::Read,
                false => Self::AssociationWrite,
            }
        } else if path.contains("/properties/") {
            match read {
                true => Self::Read,
                false => Self::PropertyWrite,
            }
        } else if path.contains("/objects/") {
            if path.ends_with("/search") {
                Self::Search
            } else if read {
                Self::Read
            } else if path.contains("/batch/") {
                Self::BatchWrite
            } else {
                Self::Write
            }
        } else {
            Self::Other
        }
    }
}

/// How many calls of each kind the log holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CallCounts {
    pub batch_writes: usize,
    pub writes: usize,
    pub association_writes: usize,
    pub searches: usize,
    pub reads: usize,
    pub property_writes: usize,
    pub other: usize,
    pub total: usize,
}

impl CallCounts {
    pub fn of(log: &[LoggedRequest]) -> Self {
        let mut counts = Self::default();
        for r in log {
            let slot = match CallKind::of(&r.method, &r.path) {
                CallKind::BatchWrite => &mut counts.batch_writes,
                CallKind::Write => &mut counts.writes,
                CallKind::AssociationWrite => &mut counts.association_writes,
                CallKind::Search => &mut counts.searches,
                CallKind::Read => &mut counts.reads,
                CallKind::PropertyWrite => &mut counts.property_writes,
                CallKind::Other => &mut counts.other,
            };
            *slot += 1;
            counts.total += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::CallKind::{self, *};

    #[test]
    fn calls_are_told_apart_by_method_and_path() {
        let cases = [
            ("POST", "/crm/v3/objects/contacts/batch/upsert", BatchWrite),
            (
                "POST",
                "/crm/objects/2026-09/invoices/batch/create",
                BatchWrite,
            ),
            ("POST", "/crm/v3/objects/products/batch/read", Read),
            ("POST", "/crm/v3/objects/deals/search", Search),
            ("GET", "/crm/v3/objects/deals/401", Read),
            ("PATCH", "/crm/v3/objects/deals/401", Write),
            ("POST", "/crm/v3/objects/notes", Write),
            (
                "POST",
                "/crm/v4/associations/invoices/contacts/batch/create",
                AssociationWrite,
            ),
            (
                "POST",
                "/crm/associations/2026-09/invoices/deals/batch/read",
                Read,
            ),
            (
                "PUT",
                "/crm/v4/objects/deals/1/associations/default/contacts/2",
                AssociationWrite,
            ),
            ("GET", "/crm/v4/objects/deals/1/associations/contacts", Read),
            ("POST", "/crm/v3/properties/contacts", PropertyWrite),
            ("POST", "/crm/v3/properties/contacts/groups", PropertyWrite),
            ("GET", "/crm/properties/2026-09/contacts/email", Read),
            ("POST", "/oauth/v1/token", Other),
            ("GET", "/account-info/v3/details", Other),
        ];
        for (method, path, kind) in cases {
            assert_eq!(CallKind::of(method, path), kind, "{method} {path}");
        }
    }
}

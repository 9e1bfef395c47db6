//! The request log counted by kind of call, as the sync's tests and the bench count QuickBooks calls:
//! queries and CDC are the metered reads (CorePlus, quickbooks-api.md §4), reads by Id, writes, batches,
//! and the OAuth calls of Intuit's other hosts.

use serde::Serialize;
use sim_kit::LoggedRequest;

/// How many calls of each kind the log holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Calls {
    /// `GET …/query?query=` and `POST …/query`.
    pub query: usize,
    /// `GET …/cdc`.
    pub cdc: usize,
    /// Any other `GET` of the company API (an entity by Id, company info, preferences, a PDF).
    pub read: usize,
    /// Any other `POST` of the company API: creates, updates, voids, deletes, sends.
    pub write: usize,
    /// `POST …/batch` (each counted once, whatever it holds).
    pub batch: usize,
    /// Authorize, token and revoke.
    pub oauth: usize,
    /// Everything else (unknown paths).
    pub other: usize,
}

impl Calls {
    /// The calls in `log`; with `realm`, only that company's API calls (OAuth calls name no company).
    pub fn count(log: &[LoggedRequest], realm: Option<&str>) -> Self {
        let mut calls = Self::default();
        for r in log {
            let company = r
                .path
                .strip_prefix("/v3/company/")
                .and_then(|rest| rest.split_once('/'));
            let slot = match company {
                Some((of, _)) if realm.is_some_and(|want| want != of) => continue,
                Some((_, "query")) => &mut calls.query,
                Some((_, "cdc")) => &mut calls.cdc,
                Some((_, "batch")) => &mut calls.batch,
                Some(_) if r.method == "GET" => &mut calls.read,
                Some(_) if r.method == "POST" => &mut calls.write,
                None if realm.is_some() => continue,
                None if OAUTH_PATHS.contains(&r.path.as_str()) => &mut calls.oauth,
                _ => &mut calls.other,
            };
            *slot += 1;
        }
        calls
    }
}

const OAUTH_PATHS: &[&str] = &[
    "/connect/oauth2",
    "/oauth2/v1/tokens/bearer",
    "/v2/oauth2/tokens/revoke",
];

//! One place opens a CRM request: the path's API version and object type are checked, the state is locked
//! and the token and its scopes are checked (in that order, as HubSpot answers an unknown type before auth).

use crate::auth::{self, Needs};
use crate::catalog;
use crate::errors::{not_found, validation};
use crate::state::Sim;
use axum::http::HeaderMap;
use axum::response::Response;
use sim_kit::Shared;
use std::collections::HashMap;
use std::sync::MutexGuard;

/// Path parameters by name; the date-versioned routes add `version`.
pub type Params = HashMap<String, String>;

/// Date versions the SPEC publishes next to the numeric ones (hubspot-api.md §0, §8).
pub const DATE_VERSIONS: &[&str] = &["2025-09", "2026-03", "2026-09"];

pub fn version_known(p: &Params) -> bool {
    p.get("version")
        .is_none_or(|v| DATE_VERSIONS.contains(&v.as_str()))
}

/// The object type a path parameter names (by name or `0-N` id).
pub fn object_type(p: &Params, key: &str) -> Result<&'static str, Response> {
    let raw = p.get(key).map_or("", String::as_str);
    catalog::object_type(raw)
        .ok_or_else(|| validation(&format!("Unable to infer object type from: {raw}")))
}

pub type Opened<'a> = (MutexGuard<'a, Sim>, &'static str);

/// The locked state and the path's `object` type, once version, type, token and scopes check out.
pub fn open<'a>(
    sim: &'a Shared<Sim>,
    p: &Params,
    headers: &HeaderMap,
    needs: impl FnOnce(&str) -> Needs,
) -> Result<Opened<'a>, Response> {
    if !version_known(p) {
        return Err(not_found());
    }
    let object = object_type(p, "object")?;
    let sim = sim.lock().expect("sim lock");
    auth::check(&sim, headers, &needs(object))?;
    Ok((sim, object))
}

/// A comma-separated (or repeated) query parameter such as `properties=a,b`.
pub fn list_param(query: &[(String, String)], name: &str) -> Vec<String> {
    query
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

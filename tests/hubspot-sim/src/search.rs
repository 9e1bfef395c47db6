//! `POST …/{type}/search` (hubspot-api.md §5 Search): `filterGroups` (OR of ANDs; at most 5 groups, 6 filters
//! per group, 18 in all) with the SPEC's operators, one sort, `query` text, `limit` ≤ 200, no paging beyond
//! 10,000 results, a request of at most 3,000 characters; archived records are never returned. Its own rate
//! limit (5/s) is in `limits.rs`. Dates compare as instants, so `hs_lastmodifieddate GTE <epoch ms>` works.

use crate::auth::Needs;
use crate::catalog;
use crate::errors::{validation, JsonBody};
use crate::objects::{render, value_of};
use crate::request::{open, Params};
use crate::state::{Record, Sim};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;
use std::cmp::Ordering;

const MAX_LIMIT: u64 = 200;
const RESULT_CAP: usize = 10_000;
const MAX_GROUPS: usize = 5;
const MAX_FILTERS_PER_GROUP: usize = 6;
const MAX_FILTERS: usize = 18;
const MAX_REQUEST_CHARS: usize = 3_000;

/// How a property's values compare: as numbers, as instants (epoch ms), or as case-insensitive text.
#[derive(Clone, Copy)]
enum Kind {
    Number,
    Instant,
    Text,
}

fn kind_of(sim: &Sim, object: &str, name: &str) -> Option<Kind> {
    let def = sim.property(object, name)?;
    Some(match def["type"].as_str() {
        Some("number") => Kind::Number,
        Some("date" | "datetime") => Kind::Instant,
        _ => Kind::Text,
    })
}

fn epoch_ms(v: &str) -> Option<f64> {
    if let Ok(ms) = v.parse::<f64>() {
        return Some(ms);
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(v) {
        return Some(d.timestamp_millis() as f64);
    }
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .map(|d| {
            d.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_millis() as f64
        })
}

fn compare(kind: Kind, a: &str, b: &str) -> Option<Ordering> {
    match kind {
        Kind::Number => a.parse::<f64>().ok()?.partial_cmp(&b.parse::<f64>().ok()?),
        Kind::Instant => epoch_ms(a)?.partial_cmp(&epoch_ms(b)?),
        Kind::Text => Some(a.to_lowercase().cmp(&b.to_lowercase())),
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A `*` wildcard pattern matching all of `s`.
fn glob(s: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return s == pattern;
    }
    if s.len() < first.len() + last.len() || !s.starts_with(first) || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// CONTAINS_TOKEN: the pattern (`*` wildcards, case-insensitive) matches the value or one of its words.
fn contains_token(value: &str, pattern: &str) -> bool {
    let (value, pattern) = (value.to_lowercase(), pattern.to_lowercase());
    glob(&value, &pattern) || value.split_whitespace().any(|w| glob(w, &pattern))
}

fn filter_matches(sim: &Sim, object: &str, r: &Record, f: &Value) -> Result<bool, String> {
    let name = f["propertyName"]
        .as_str()
        .ok_or("a filter needs propertyName")?;
    let kind = kind_of(sim, object, name).ok_or(format!("Property {name} does not exist"))?;
    let actual = value_of(sim, object, r, name);
    let op = f["operator"].as_str().unwrap_or("EQ");
    let value = || text(&f["value"]).ok_or(format!("operator {op} needs a value"));
    let ord = |want: &str| actual.as_deref().and_then(|a| compare(kind, a, want));
    Ok(match op {
        "HAS_PROPERTY" => actual.is_some(),
        "NOT_HAS_PROPERTY" => actual.is_none(),
        "IN" | "NOT_IN" => {
            let values: Vec<String> = f["values"]
                .as_array()
                .ok_or(format!("operator {op} needs values"))?
                .iter()
                .filter_map(text)
                .collect();
            let hit = values.iter().any(|v| ord(v) == Some(Ordering::Equal));
            hit == (op == "IN")
        }
        "EQ" => ord(&value()?) == Some(Ordering::Equal),
        "NEQ" => ord(&value()?) != Some(Ordering::Equal),
        "LT" => ord(&value()?) == Some(Ordering::Less),
        "LTE" => matches!(ord(&value()?), Some(Ordering::Less | Ordering::Equal)),
        "GT" => ord(&value()?) == Some(Ordering::Greater),
        "GTE" => matches!(ord(&value()?), Some(Ordering::Greater | Ordering::Equal)),
        "BETWEEN" => {
            let high = text(&f["highValue"]).ok_or("BETWEEN needs highValue")?;
            matches!(ord(&value()?), Some(Ordering::Greater | Ordering::Equal))
                && matches!(ord(&high), Some(Ordering::Less | Ordering::Equal))
        }
        "CONTAINS_TOKEN" => {
            actual.is_some_and(|a| contains_token(&a, &value().unwrap_or_default()))
        }
        "NOT_CONTAINS_TOKEN" => {
            !actual.is_some_and(|a| contains_token(&a, &value().unwrap_or_default()))
        }
        other => return Err(format!("operator {other} is not supported")),
    })
}

/// The free-text `query`: a word of one of the type's default properties starts with it.
fn query_matches(sim: &Sim, object: &str, r: &Record, query: &str) -> bool {
    let query = query.to_lowercase();
    catalog::default_properties(object).iter().any(|name| {
        value_of(sim, object, r, name).is_some_and(|v| {
            v.to_lowercase()
                .split(|c: char| c.is_whitespace() || c == '@' || c == '.')
                .any(|w| w.starts_with(&query))
        })
    })
}

/// The sort: `{propertyName, direction}` as the docs send it, or the SPEC's plain property name.
fn sort_of(body: &Value) -> Option<(String, bool)> {
    let sort = body["sorts"].as_array()?.first()?;
    match sort {
        Value::String(name) => Some((name.clone(), false)),
        _ => Some((
            sort["propertyName"].as_str()?.to_string(),
            sort["direction"] == "DESCENDING",
        )),
    }
}

fn check_shape(body: &Value, raw_len: usize) -> Result<(usize, usize), String> {
    if raw_len > MAX_REQUEST_CHARS {
        return Err(format!(
            "Search requests are limited to {MAX_REQUEST_CHARS} characters"
        ));
    }
    let limit = body["limit"].as_u64().unwrap_or(10);
    if limit > MAX_LIMIT {
        return Err(format!("limit may not exceed {MAX_LIMIT}"));
    }
    let after: usize = match &body["after"] {
        Value::Null => 0,
        v => text(v)
            .and_then(|a| a.parse().ok())
            .ok_or("after must be a number")?,
    };
    if after + limit as usize > RESULT_CAP {
        return Err("Cannot page beyond 10,000 results".into());
    }
    let groups = body["filterGroups"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| g["filters"].as_array().map_or(0, Vec::len))
        .collect();
    if groups.len() > MAX_GROUPS
        || sizes.iter().any(|n| *n > MAX_FILTERS_PER_GROUP)
        || sizes.iter().sum::<usize>() > MAX_FILTERS
    {
        return Err(format!(
            "at most {MAX_GROUPS} filterGroups of {MAX_FILTERS_PER_GROUP} filters, {MAX_FILTERS} filters in all"
        ));
    }
    Ok((limit as usize, after))
}

pub async fn search(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let (sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, false)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let (limit, after) = match check_shape(&body, body.to_string().len()) {
        Ok(shape) => shape,
        Err(e) => return validation(&e),
    };
    let groups = body["filterGroups"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let query = body["query"].as_str().unwrap_or("");
    let mut hits = Vec::new();
    for r in sim.objects[object]
        .values()
        .filter(|r| r.archived_at.is_none())
    {
        let mut any = groups.is_empty();
        for g in groups {
            let mut all = true;
            for f in g["filters"].as_array().into_iter().flatten() {
                match filter_matches(&sim, object, r, f) {
                    Ok(m) => all &= m,
                    Err(e) => return validation(&e),
                }
            }
            any |= all;
        }
        if any && (query.is_empty() || query_matches(&sim, object, r, query)) {
            hits.push(r);
        }
    }
    if let Some((name, descending)) = sort_of(&body) {
        let Some(kind) = kind_of(&sim, object, &name) else {
            return validation(&format!("Property {name} does not exist"));
        };
        hits.sort_by(|a, b| {
            let (a, b) = (
                value_of(&sim, object, a, &name),
                value_of(&sim, object, b, &name),
            );
            let ord = match (a, b) {
                (Some(a), Some(b)) => compare(kind, &a, &b).unwrap_or(Ordering::Equal),
                (a, b) => a.is_none().cmp(&b.is_none()),
            };
            if descending {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    let wanted: Vec<String> = body["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let results: Vec<Value> = hits
        .iter()
        .skip(after)
        .take(limit)
        .map(|r| render(&sim, object, r, &wanted, &[]))
        .collect();
    let mut answer = json!({"total": hits.len(), "results": results});
    if after + limit < hits.len().min(RESULT_CAP) {
        answer["paging"] = json!({"next": {"after": (after + limit).to_string()}});
    }
    Json(answer).into_response()
}

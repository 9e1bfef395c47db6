//! Change data capture (quickbooks-api.md §5): what changed since `changedSince` (at most 30 days back) for
//! the listed entities, deletes as `status: Deleted`, at most 1000 objects in all.

use crate::clock::{parse_instant, Moment};
use crate::faults::Fault;
use crate::state::Company;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;

const LOOKBACK_DAYS: i64 = 30;
const MAX_OBJECTS: usize = 1000;
/// Entities CDC does not cover; poll them with queries.
const NOT_IN_CDC: &[&str] = &[
    "TaxCode",
    "TaxRate",
    "JournalCode",
    "TaxAgency",
    "TimeActivity",
];

pub fn response(
    company: &Company,
    params: &HashMap<String, String>,
    at: &Moment,
) -> Result<Value, Fault> {
    let since = params
        .get("changedSince")
        .ok_or_else(|| Fault::required("changedSince"))?;
    let since = parse_instant(since, company.zone)
        .ok_or_else(|| Fault::invalid_body(format!("changedSince {since} is not a date-time")))?;
    if at.now - since > Duration::days(LOOKBACK_DAYS) {
        return Err(Fault::business(format!(
            "Business Validation Error: changedSince can be at most {LOOKBACK_DAYS} days ago"
        )));
    }
    let entities = params
        .get("entities")
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| Fault::required("entities"))?;
    let mut budget = MAX_OBJECTS;
    let mut responses = Vec::new();
    for named in entities.split(',').map(str::trim) {
        let entity = crate::query::ENTITIES
            .iter()
            .find(|e| e.eq_ignore_ascii_case(named))
            .filter(|e| !NOT_IN_CDC.contains(e))
            .ok_or_else(|| {
                Fault::unsupported(format!("CDC does not support the entity {named}"))
            })?;
        let mut changed = changes(company, entity, since);
        changed.truncate(budget);
        budget -= changed.len();
        let count = changed.len();
        responses.push(match count {
            0 => json!({}),
            _ => json!({ *entity: changed, "startPosition": 1, "maxResults": count }),
        });
    }
    Ok(json!({"CDCResponse": [{"QueryResponse": responses}], "time": at.time()}))
}

/// Records updated at or after `since`, then tombstones of those deleted since, oldest first.
fn changes(company: &Company, entity: &str, since: DateTime<Utc>) -> Vec<Value> {
    let updated_at = |r: &Value| {
        r["MetaData"]["LastUpdatedTime"]
            .as_str()
            .and_then(|t| parse_instant(t, company.zone))
    };
    let mut changed: Vec<(DateTime<Utc>, Value)> = company
        .records(entity)
        .iter()
        .filter_map(|r| Some((updated_at(r).filter(|t| *t >= since)?, r.clone())))
        .collect();
    changed.extend(
        company
            .deleted
            .iter()
            .filter(|t| t.entity == entity && t.at >= since)
            .map(|t| {
                (
                    t.at,
                    json!({"Id": t.id, "status": "Deleted", "domain": "QBO", "MetaData": {"LastUpdatedTime": t.stamp}}),
                )
            }),
    );
    changed.sort_by_key(|(t, _)| *t);
    changed.into_iter().map(|(_, r)| r).collect()
}

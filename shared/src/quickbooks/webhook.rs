//! Intuit's webhook notifications (quickbooks-api.md §6) in both formats, parsed strictly into one list of
//! events: the legacy object
//! `{"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[{"name","id","operation","lastUpdated"}]}}]}`
//! and the CloudEvents array an app receives once Intuit's per-app toggle is flipped
//! (`[{"specversion":"1.0","type":"qbo.<entity>.<verb>.v1","time","intuitentityid","intuitaccountid","data"?}]`).
//!
//! Every field we rely on must be there with its type: a realm and an id of digits, a known operation, a time
//! that reads as one, a merge's `deletedId`. Fields we do not use are ignored, so an attribute Intuit adds
//! later does not make every notification bounce. The signature is checked before this runs
//! (`verify::intuit`); this only reads what Intuit signed.

use crate::ids::{IdError, QboId, RealmId};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// Intuit batches up to 100 events per notification (§6); more is not a notification Intuit sends.
pub const MAX_EVENTS: usize = 100;

/// What happened to a record (the legacy `operation`; CloudEvents' verb in `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    /// The record `deleted_id` was merged into this one and is gone.
    Merge,
    Void,
    Emailed,
}

impl Operation {
    fn legacy(name: &str) -> Option<Self> {
        Some(match name {
            "Create" => Self::Create,
            "Update" => Self::Update,
            "Delete" => Self::Delete,
            "Merge" => Self::Merge,
            "Void" => Self::Void,
            "Emailed" => Self::Emailed,
            _ => return None,
        })
    }

    fn cloud_event(verb: &str) -> Option<Self> {
        Some(match verb {
            "created" => Self::Create,
            "updated" => Self::Update,
            "deleted" => Self::Delete,
            "merged" => Self::Merge,
            "voided" => Self::Void,
            "emailed" => Self::Emailed,
            _ => return None,
        })
    }
}

/// One change in one company.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub realm_id: RealmId,
    /// The entity's name in lower case (`customer`, `invoice`): the legacy format writes `Customer`,
    /// CloudEvents `customer`.
    pub entity: String,
    pub id: QboId,
    pub operation: Operation,
    /// When the record changed, on QuickBooks' clock (legacy `lastUpdated`, CloudEvents `time`).
    pub at: DateTime<FixedOffset>,
    /// A merge's record that was merged away.
    pub deleted_id: Option<QboId>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum NotificationError {
    #[error("the notification is not JSON: {0}")]
    NotJson(String),
    #[error("the notification is neither Intuit's legacy object nor a CloudEvents array: {0}")]
    Shape(String),
    #[error("event {index}: {reason}")]
    Event { index: usize, reason: String },
    #[error("the notification has no events")]
    Empty,
    #[error("the notification has {0} events; Intuit sends at most {MAX_EVENTS}")]
    TooMany(usize),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Legacy {
    event_notifications: Vec<LegacyNotification>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyNotification {
    realm_id: String,
    data_change_event: LegacyChanges,
}

#[derive(Deserialize)]
struct LegacyChanges {
    entities: Vec<LegacyEntity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyEntity {
    name: String,
    id: String,
    operation: String,
    last_updated: String,
    #[serde(default)]
    deleted_id: Option<String>,
}

#[derive(Deserialize)]
struct CloudEvent {
    specversion: String,
    #[serde(rename = "type")]
    kind: String,
    time: String,
    intuitentityid: String,
    intuitaccountid: String,
    #[serde(default)]
    data: Option<Value>,
}

/// The events of a notification's raw body.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, NotificationError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| NotificationError::NotJson(e.to_string()))?;
    let events = match value {
        Value::Array(_) => cloud_events(value)?,
        Value::Object(_) => legacy(value)?,
        other => {
            return Err(NotificationError::Shape(format!(
                "the body is a JSON {}",
                kind_of(&other)
            )))
        }
    };
    match events.len() {
        0 => Err(NotificationError::Empty),
        n if n > MAX_EVENTS => Err(NotificationError::TooMany(n)),
        _ => Ok(events),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn legacy(value: Value) -> Result<Vec<Event>, NotificationError> {
    let notification: Legacy =
        serde_json::from_value(value).map_err(|e| NotificationError::Shape(e.to_string()))?;
    let mut events = Vec::new();
    for n in notification.event_notifications {
        for e in n.data_change_event.entities {
            let index = events.len();
            let bad = |reason: String| NotificationError::Event { index, reason };
            let operation = Operation::legacy(&e.operation)
                .ok_or_else(|| bad(format!("unknown operation {:?}", e.operation)))?;
            events.push(
                event(
                    &n.realm_id,
                    &e.name,
                    &e.id,
                    operation,
                    &e.last_updated,
                    e.deleted_id.as_deref(),
                )
                .map_err(bad)?,
            );
        }
    }
    Ok(events)
}

fn cloud_events(value: Value) -> Result<Vec<Event>, NotificationError> {
    let list: Vec<CloudEvent> =
        serde_json::from_value(value).map_err(|e| NotificationError::Shape(e.to_string()))?;
    list.into_iter()
        .enumerate()
        .map(|(index, e)| {
            let bad = |reason: String| NotificationError::Event { index, reason };
            if e.specversion != "1.0" {
                return Err(bad(format!(
                    "CloudEvents specversion {:?} is not 1.0",
                    e.specversion
                )));
            }
            let (entity, operation) = cloud_event_type(&e.kind).map_err(bad)?;
            let deleted_id = match &e.data {
                None | Some(Value::Null) => None,
                Some(Value::Object(data)) => match data.get("deletedid") {
                    None => None,
                    Some(Value::String(id)) => Some(id.as_str()),
                    Some(other) => {
                        return Err(bad(format!("data.deletedid is a {}", kind_of(other))))
                    }
                },
                Some(other) => return Err(bad(format!("data is a {}", kind_of(other)))),
            };
            event(
                &e.intuitaccountid,
                entity,
                &e.intuitentityid,
                operation,
                &e.time,
                deleted_id,
            )
            .map_err(bad)
        })
        .collect()
}

/// `qbo.<entity>.<verb>.v1`.
fn cloud_event_type(kind: &str) -> Result<(&str, Operation), String> {
    let parts: Vec<&str> = kind.split('.').collect();
    match parts.as_slice() {
        ["qbo", entity, verb, "v1"] => {
            let operation = Operation::cloud_event(verb)
                .ok_or_else(|| format!("unknown operation {verb:?} in type {kind:?}"))?;
            Ok((entity, operation))
        }
        _ => Err(format!("type {kind:?} is not qbo.<entity>.<operation>.v1")),
    }
}

fn event(
    realm: &str,
    entity: &str,
    id: &str,
    operation: Operation,
    at: &str,
    deleted_id: Option<&str>,
) -> Result<Event, String> {
    let text = |e: IdError| e.to_string();
    if entity.is_empty() || entity.len() > 64 || !entity.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(format!(
            "entity name {entity:?} is not a QuickBooks entity name"
        ));
    }
    let deleted_id = deleted_id.map(QboId::parse).transpose().map_err(text)?;
    if operation == Operation::Merge && deleted_id.is_none() {
        return Err("a merge without deletedId".into());
    }
    Ok(Event {
        realm_id: RealmId::parse(realm).map_err(text)?,
        entity: entity.to_ascii_lowercase(),
        id: QboId::parse(id).map_err(text)?,
        operation,
        at: parse_time(at).ok_or_else(|| format!("time {at:?} is not a time"))?,
        deleted_id,
    })
}

/// RFC 3339 (CloudEvents; legacy `…T20:52:31.657Z`), or the legacy offset without a colon
/// (`2015-10-05T14:42:19-0700`, Intuit's Java SDK test payload).
fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference's payloads (§6), verbatim.
    const LEGACY: &str = r#"{"eventNotifications":[{"realmId":"310687","dataChangeEvent":{"entities":[{"id":"1234","operation":"Create","name":"Account","lastUpdated":"2025-09-08T20:52:31.657Z"}]}}]}"#;
    const JAVA_SDK: &str = r#"{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}"#;
    const CLOUD: &str = r#"[{"specversion":"1.0","id":"88cd52aa-1","source":"intuit.abc","type":"qbo.account.created.v1","datacontenttype":"application/json","time":"2025-09-10T21:31:25.179851517Z","intuitentityid":"1234","intuitaccountid":"310687","data":{}}]"#;

    #[test]
    fn both_formats_read_as_the_same_events() {
        let legacy = parse(LEGACY.as_bytes()).unwrap();
        let cloud = parse(CLOUD.as_bytes()).unwrap();
        for events in [&legacy, &cloud] {
            assert_eq!(events.len(), 1);
            let e = &events[0];
            assert_eq!((e.realm_id.as_str(), e.id.as_str()), ("310687", "1234"));
            assert_eq!(
                (e.entity.as_str(), e.operation),
                ("account", Operation::Create)
            );
        }
        let java = parse(JAVA_SDK.as_bytes()).unwrap();
        assert_eq!(java[0].at.to_rfc3339(), "2015-10-05T14:42:19-07:00");
        assert_eq!(
            cloud[0].at.timestamp_nanos_opt(),
            Some(1_757_539_885_179_851_517)
        );
    }

    #[test]
    fn merges_carry_the_record_merged_away_in_both_formats() {
        let legacy = r#"{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[{"name":"Customer","id":"5","operation":"Merge","deletedId":"27","lastUpdated":"2026-11-22T09:00:00-08:00"}]}}]}"#;
        let cloud = r#"[{"specversion":"1.0","id":"x","source":"s","type":"qbo.customer.merged.v1","time":"2026-11-22T17:00:00Z","intuitentityid":"5","intuitaccountid":"1","data":{"deletedid":"27"}}]"#;
        for body in [legacy, cloud] {
            let e = &parse(body.as_bytes()).unwrap()[0];
            assert_eq!(e.operation, Operation::Merge);
            assert_eq!(e.deleted_id.as_ref().map(|d| d.as_str()), Some("27"));
        }
        let without = cloud.replace(r#"{"deletedid":"27"}"#, "{}");
        assert!(parse(without.as_bytes()).is_err());
    }

    #[test]
    fn malformed_and_stale_notifications_are_refused() {
        let refused = [
            "",
            "null",
            "\"text\"",
            "[]",
            r#"{"eventNotifications":[]}"#,
            r#"{"eventNotifications":[{"realmId":"1"}]}"#,
            &LEGACY.replace("\"310687\"", "\"31x\""),
            &LEGACY.replace("Create", "Upsert"),
            &LEGACY.replace("2025-09-08T20:52:31.657Z", "yesterday"),
            &LEGACY.replace("\"1234\"", "1234"),
            &CLOUD.replace("\"1.0\"", "\"0.3\""),
            &CLOUD.replace(".v1", ".v2"),
            &CLOUD.replace("qbo.account.created.v1", "com.intuit.account.created"),
            &CLOUD.replace("\"intuitaccountid\":\"310687\",", ""),
            &CLOUD.replace("\"data\":{}", "\"data\":\"x\""),
            &LEGACY[..LEGACY.len() - 3],
        ];
        for body in refused {
            assert!(parse(body.as_bytes()).is_err(), "accepted {body:?}");
        }
    }

    #[test]
    fn at_most_a_hundred_events() {
        let event = |i: usize| {
            format!(
                r#"{{"specversion":"1.0","id":"{i}","source":"s","type":"qbo.invoice.updated.v1","time":"2026-11-22T17:00:00Z","intuitentityid":"{i}","intuitaccountid":"1"}}"#
            )
        };
        let body = |n: usize| format!("[{}]", (1..=n).map(event).collect::<Vec<_>>().join(","));
        assert_eq!(parse(body(100).as_bytes()).unwrap().len(), 100);
        assert_eq!(
            parse(body(101).as_bytes()),
            Err(NotificationError::TooMany(101))
        );
    }
}

//! One CloudWatch Embedded Metric Format line per sync run (DESIGN.md's operations notes; README "Metrics
//! and alarms"): records read, written and failed, calls to each API, throttled answers, the run's
//! duration and its oldest cursor's age; and one per schedule tick with the companies planned and those
//! waiting for a reconnect. CloudWatch Logs turns the lines into metrics without an API call.
//!
//! Cardinality: metrics carry the dimension set `[Stage]` (what the alarms watch) and `[Stage, RealmId]`
//! (a self-hosted install has a handful of companies, so a series per company stays cheap). The portal
//! and the per-object counts are plain properties: searchable in Logs Insights, never a metric series.

use super::health::{Counts, Outcome};
use super::SyncObject;
use crate::pace::Counted;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

pub const NAMESPACE: &str = "HubSpotQuickBooks/Sync";

/// What one run did, as measured.
pub struct RunMetrics<'a> {
    pub stage: &'a str,
    pub portal_id: u64,
    pub realm_id: &'a str,
    pub outcome: Outcome,
    pub objects: &'a [(SyncObject, Counts)],
    pub quickbooks: Counted,
    pub hubspot: Counted,
    pub duration_ms: u64,
    /// Seconds since the least recently moved cursor of the run's objects moved.
    pub cursor_age_s: Option<i64>,
    pub at: DateTime<Utc>,
}

const UNITS: &[(&str, &str)] = &[
    ("RecordsRead", "Count"),
    ("RecordsWritten", "Count"),
    ("RecordsFailed", "Count"),
    ("QuickBooksCalls", "Count"),
    ("HubSpotCalls", "Count"),
    ("Throttles", "Count"),
    ("RunFailed", "Count"),
    ("DurationMs", "Milliseconds"),
    ("CursorAgeSeconds", "Seconds"),
];

impl RunMetrics<'_> {
    /// The EMF document (one JSON object, printed on one line).
    pub fn document(&self) -> Value {
        let sum = |pick: fn(&Counts) -> u64| self.objects.iter().map(|(_, c)| pick(c)).sum::<u64>();
        let mut doc = Map::new();
        let metrics: Vec<Value> = UNITS
            .iter()
            .filter(|(name, _)| *name != "CursorAgeSeconds" || self.cursor_age_s.is_some())
            .map(|(name, unit)| json!({"Name": name, "Unit": unit}))
            .collect();
        doc.insert(
            "_aws".into(),
            json!({
                "Timestamp": self.at.timestamp_millis(),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Stage"], ["Stage", "RealmId"]],
                    "Metrics": metrics,
                }],
            }),
        );
        doc.insert("Stage".into(), json!(self.stage));
        doc.insert("RealmId".into(), json!(self.realm_id));
        doc.insert("PortalId".into(), json!(self.portal_id.to_string()));
        doc.insert("Outcome".into(), json!(self.outcome));
        doc.insert("RecordsRead".into(), json!(sum(|c| c.read)));
        doc.insert("RecordsWritten".into(), json!(sum(|c| c.written)));
        doc.insert("RecordsFailed".into(), json!(sum(|c| c.failed)));
        doc.insert("QuickBooksCalls".into(), json!(self.quickbooks.calls));
        doc.insert("HubSpotCalls".into(), json!(self.hubspot.calls));
        doc.insert(
            "Throttles".into(),
            json!(self.quickbooks.throttled + self.hubspot.throttled),
        );
        doc.insert(
            "RunFailed".into(),
            json!(u8::from(self.outcome == Outcome::Failed)),
        );
        doc.insert("DurationMs".into(), json!(self.duration_ms));
        if let Some(age) = self.cursor_age_s {
            doc.insert("CursorAgeSeconds".into(), json!(age));
        }
        let by_object: Map<String, Value> = self
            .objects
            .iter()
            .map(|(o, c)| (o.hubspot_object().to_string(), json!(c)))
            .collect();
        doc.insert("Objects".into(), Value::Object(by_object));
        Value::Object(doc)
    }

    /// Writes the line to standard output, where Lambda hands it to CloudWatch Logs.
    pub fn emit(&self) {
        println!("{}", self.document());
    }
}

/// What one schedule tick planned: companies queued, and companies left out until someone reconnects them
/// (their cursors stand still without a run to measure it, so the plan reports them).
pub struct PlanMetrics<'a> {
    pub stage: &'a str,
    pub queued: usize,
    pub reconnect_needed: usize,
    pub at: DateTime<Utc>,
}

impl PlanMetrics<'_> {
    pub fn document(&self) -> Value {
        json!({
            "_aws": {
                "Timestamp": self.at.timestamp_millis(),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Stage"]],
                    "Metrics": [
                        {"Name": "CompaniesQueued", "Unit": "Count"},
                        {"Name": "CompaniesReconnectNeeded", "Unit": "Count"},
                    ],
                }],
            },
            "Stage": self.stage,
            "CompaniesQueued": self.queued,
            "CompaniesReconnectNeeded": self.reconnect_needed,
        })
    }

    pub fn emit(&self) {
        println!("{}", self.document());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_one_emf_document_whose_metrics_all_have_values() {
        let objects = [
            (
                SyncObject::Contacts,
                Counts {
                    read: 3,
                    written: 2,
                    failed: 1,
                },
            ),
            (
                SyncObject::Invoices,
                Counts {
                    read: 4,
                    written: 4,
                    failed: 0,
                },
            ),
        ];
        let m = RunMetrics {
            stage: "prod",
            portal_id: 62515,
            realm_id: "9130",
            outcome: Outcome::Done,
            objects: &objects,
            quickbooks: Counted {
                calls: 5,
                throttled: 1,
            },
            hubspot: Counted {
                calls: 7,
                throttled: 2,
            },
            duration_ms: 1234,
            cursor_age_s: Some(60),
            at: Utc::now(),
        };
        let doc = m.document();
        let declared = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(declared["Namespace"], NAMESPACE);
        for dims in declared["Dimensions"].as_array().unwrap() {
            for d in dims.as_array().unwrap() {
                assert!(
                    doc[d.as_str().unwrap()].is_string(),
                    "dimension {d} has no value"
                );
            }
        }
        for metric in declared["Metrics"].as_array().unwrap() {
            let name = metric["Name"].as_str().unwrap();
            assert!(doc[name].is_number(), "{name} has no value");
        }
        assert_eq!(doc["RecordsRead"], 7);
        assert_eq!(doc["RecordsFailed"], 1);
        assert_eq!(doc["Throttles"], 3);
        assert_eq!(doc["RunFailed"], 0);
        assert_eq!(doc["Objects"]["contacts"]["failed"], 1);
        assert!(!doc.to_string().contains('\n'));
        let plan = PlanMetrics {
            stage: "prod",
            queued: 3,
            reconnect_needed: 1,
            at: Utc::now(),
        }
        .document();
        assert_eq!(plan["CompaniesReconnectNeeded"], 1);
        assert_eq!(
            plan["_aws"]["CloudWatchMetrics"][0]["Metrics"][1]["Name"],
            "CompaniesReconnectNeeded"
        );
    }
}

//! Reading changes from QuickBooks (quickbooks-api.md §4, §5): pages of a keyset scan, or one CDC call for
//! every object. Records stay JSON here: the mappings read any field of them, and a record that does not
//! parse is that record's failure, never the page's.

use super::cursor::Scan;
use super::SyncObject;
use crate::quickbooks::api::quoted;
use crate::quickbooks::{QboApi, QboError};
use chrono::Timelike;
use serde_json::Value;

/// QuickBooks' most rows per query answer (§4).
pub const PAGE: usize = 1000;
/// CDC's most objects per answer, all entities together (§5): an answer this full may have left some out.
pub const CDC_CAP: usize = 1000;

/// One record as QuickBooks sent it.
#[derive(Clone, Debug)]
pub struct Record {
    pub id: String,
    /// Deleted in QuickBooks (CDC's `status: "Deleted"`); only `Id` and `MetaData` are left.
    pub deleted: bool,
    pub body: Value,
}

impl Record {
    pub fn of(body: Value) -> Option<Self> {
        let id = body.get("Id")?.as_str()?.to_string();
        let deleted = body.get("status").and_then(Value::as_str) == Some("Deleted");
        Some(Self { id, deleted, body })
    }

    pub fn updated(&self) -> Option<&str> {
        self.body
            .get("MetaData")
            .and_then(|m| m.get("LastUpdatedTime"))
            .and_then(Value::as_str)
    }

    /// Name-list records are deactivated, not deleted.
    pub fn inactive(&self) -> bool {
        self.body.get("Active").and_then(Value::as_bool) == Some(false)
    }
}

/// A page of a scan and QuickBooks' time when it answered.
pub struct Page {
    pub records: Vec<Record>,
    /// Rows QuickBooks sent without an `Id` (garbled): counted, never applied.
    pub unreadable: usize,
    pub full: bool,
    pub time: Option<String>,
}

/// The statement for the next page of `scan`.
pub fn statement(object: SyncObject, scan: &Scan) -> String {
    let mut conditions = Vec::new();
    if object.is_name_list() {
        conditions.push("Active IN (true, false)".to_string());
    }
    if let Some(mark) = &scan.mark {
        conditions.push(format!("MetaData.LastUpdatedTime >= {}", quoted(mark)));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {} ", conditions.join(" AND "))
    };
    format!(
        "{filter}ORDERBY MetaData.LastUpdatedTime STARTPOSITION {} MAXRESULTS {PAGE}",
        u64::from(scan.ties) + 1
    )
}

fn records(rows: Vec<Value>) -> (Vec<Record>, usize) {
    let total = rows.len();
    let records: Vec<Record> = rows.into_iter().filter_map(Record::of).collect();
    let unreadable = total - records.len();
    (records, unreadable)
}

pub async fn page(api: &QboApi<'_>, object: SyncObject, scan: &Scan) -> Result<Page, QboError> {
    let answer = api
        .query::<Value>(object.entity(), &statement(object, scan))
        .await?;
    let full = answer.value.len() >= PAGE;
    let (records, unreadable) = records(answer.value);
    Ok(Page {
        records,
        unreadable,
        full,
        time: answer.time.map(cursor_time),
    })
}

/// Everything CDC returned, per object.
pub struct Changes {
    pub by_object: Vec<(SyncObject, Vec<Record>)>,
    pub unreadable: usize,
    /// At the cap: some changes may be missing, so each object is re-read by a scan from `since`.
    pub capped: bool,
    pub time: Option<String>,
}

pub async fn changes(
    api: &QboApi<'_>,
    objects: &[SyncObject],
    since: &str,
) -> Result<Changes, QboError> {
    let entities: Vec<&str> = objects.iter().map(|o| o.entity()).collect();
    let answer = api
        .get_with::<Value>(
            "cdc",
            &[("entities", &entities.join(",")), ("changedSince", since)],
        )
        .await?;
    let mut by_object: Vec<(SyncObject, Vec<Record>)> =
        objects.iter().map(|&o| (o, Vec::new())).collect();
    let mut unreadable = 0;
    let mut count = 0;
    let responses = answer
        .value
        .pointer("/CDCResponse/0/QueryResponse")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for response in responses {
        let Value::Object(fields) = response else {
            continue;
        };
        for (entity, rows) in fields {
            let (Some(object), Value::Array(rows)) = (SyncObject::from_entity(&entity), rows)
            else {
                continue;
            };
            count += rows.len();
            let (mut got, bad) = records(rows);
            unreadable += bad;
            if let Some((_, list)) = by_object.iter_mut().find(|(o, _)| *o == object) {
                list.append(&mut got);
            }
        }
    }
    Ok(Changes {
        by_object,
        unreadable,
        capped: count >= CDC_CAP,
        time: answer.time.map(cursor_time),
    })
}

/// A point to read changes from, for QuickBooks' `time`: a whole second earlier, since records carry
/// whole-second `LastUpdatedTime`s and one written in the same second as the answer must not fall between
/// two windows. Overlapping windows only deliver a record twice, and applying it twice changes nothing.
pub fn cursor_time(time: chrono::DateTime<chrono::FixedOffset>) -> String {
    let earlier = time - chrono::Duration::seconds(1);
    earlier.with_nanosecond(0).unwrap_or(earlier).to_rfc3339()
}

/// Where a scan stands once `records` (one page, in order) are applied.
pub fn advance(scan: &Scan, records: &[Record]) -> Scan {
    let mut next = scan.clone();
    for r in records {
        let Some(at) = r.updated() else { continue };
        if next.mark.as_deref() == Some(at) {
            next.ties = next.ties.saturating_add(1);
        } else {
            next.mark = Some(at.to_string());
            next.ties = 1;
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(id: &str, at: &str) -> Record {
        Record::of(json!({"Id": id, "MetaData": {"LastUpdatedTime": at}})).unwrap()
    }

    #[test]
    fn cursors_step_back_to_the_whole_second_before() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00.700-08:00").unwrap();
        assert_eq!(cursor_time(t), "2026-11-30T09:59:59-08:00");
    }

    #[test]
    fn statements_page_by_time_and_ask_for_inactive_name_list_records() {
        let start = Scan::default();
        assert_eq!(
            statement(SyncObject::Contacts, &start),
            "WHERE Active IN (true, false) ORDERBY MetaData.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000"
        );
        let later = Scan {
            mark: Some("2026-11-01T10:00:00-07:00".into()),
            ties: 2,
            started: None,
        };
        assert_eq!(
            statement(SyncObject::Invoices, &later),
            "WHERE MetaData.LastUpdatedTime >= '2026-11-01T10:00:00-07:00' ORDERBY MetaData.LastUpdatedTime STARTPOSITION 3 MAXRESULTS 1000"
        );
    }

    #[test]
    fn a_scan_restarts_after_the_last_time_skipping_the_records_it_shares() {
        let s = advance(
            &Scan::default(),
            &[rec("1", "t1"), rec("2", "t2"), rec("3", "t2")],
        );
        assert_eq!((s.mark.as_deref(), s.ties), (Some("t2"), 2));
        let s = advance(&s, &[rec("4", "t2")]);
        assert_eq!((s.mark.as_deref(), s.ties), (Some("t2"), 3));
        let s = advance(&s, &[rec("5", "t3")]);
        assert_eq!((s.mark.as_deref(), s.ties), (Some("t3"), 1));
    }

    #[test]
    fn deleted_and_inactive_records_are_told_apart_and_rows_without_id_are_unreadable() {
        let (got, bad) = records(vec![
            json!({"Id": "1", "status": "Deleted"}),
            json!({"Id": "2", "Active": false}),
            json!({"Name": "no id"}),
        ]);
        assert_eq!(bad, 1);
        assert!(got[0].deleted && !got[0].inactive());
        assert!(!got[1].deleted && got[1].inactive());
    }
}

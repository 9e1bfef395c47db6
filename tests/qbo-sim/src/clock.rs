//! Time as a company sees it: the simulated clock (a seed may start it at a fixed instant so that seeded
//! due dates and CDC windows mean the same thing on any day; `/_sim/clock` moves it), written in the
//! company's UTC offset as QuickBooks writes times (quickbooks-api.md §2, value formats).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

/// One instant on the simulated clock, in one company's offset.
#[derive(Clone, Copy, Debug)]
pub struct Moment {
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
}

impl Moment {
    fn local(&self) -> DateTime<FixedOffset> {
        self.now.with_timezone(&self.offset)
    }

    /// An envelope's `time`: milliseconds and the offset (`2026-11-22T09:00:00.000-08:00`).
    pub fn time(&self) -> String {
        self.local().format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
    }

    /// A `MetaData` timestamp: whole seconds and the offset (`2026-11-22T09:00:00-08:00`).
    pub fn stamp(&self) -> String {
        self.local().format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    /// The company's calendar date, for `TxnDate` defaults and due dates.
    pub fn today(&self) -> NaiveDate {
        self.local().date_naive()
    }
}

/// `-08:00`, `+00:00`, `+0530`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    DateTime::parse_from_str(&format!("2000-01-01T00:00:00{s}"), "%Y-%m-%dT%H:%M:%S%z")
        .ok()
        .map(|d| *d.offset())
}

/// An instant in the forms clients send in queries and CDC: RFC 3339, an offset without a colon (Airbyte's
/// `%Y-%m-%dT%H:%M:%S%z`), or a bare date, read as midnight in the company's offset (quickbooks-api.md §4).
pub fn parse_instant(s: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    date.and_time(NaiveTime::MIN)
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_clients_send() {
        let pacific = parse_offset("-08:00").unwrap();
        let want = parse_instant("2026-11-01T08:00:00Z", pacific);
        assert!(want.is_some());
        assert_eq!(parse_instant("2026-11-01T00:00:00-08:00", pacific), want);
        assert_eq!(parse_instant("2026-11-01T00:00:00-0800", pacific), want);
        assert_eq!(parse_instant("2026-11-01", pacific), want);
        assert_eq!(parse_instant("yesterday", pacific), None);
        assert_eq!(parse_offset("+0530").unwrap().local_minus_utc(), 19_800);
    }
}

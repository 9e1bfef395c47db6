//! Time as a company sees it: the simulated clock (a seed may start it at a fixed instant so that seeded
//! due dates and CDC windows mean the same thing on any day; `/_sim/clock` moves it), written in the
//! company's time zone as QuickBooks writes times (quickbooks-api.md §2, value formats): its IANA zone
//! (`CompanyInfo.DefaultTimeZone`), daylight saving included, so a Pacific company answers `-07:00` in
//! summer and `-08:00` in winter.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// One instant on the simulated clock, in one company's time zone.
#[derive(Clone, Copy, Debug)]
pub struct Moment {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl Moment {
    fn local(&self) -> DateTime<Tz> {
        self.now.with_timezone(&self.zone)
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

/// An IANA zone name (`America/Los_Angeles`).
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// An instant in the forms clients send in queries and CDC: RFC 3339, an offset without a colon (Airbyte's
/// `%Y-%m-%dT%H:%M:%S%z`), or a bare date, read as midnight in the company's zone (quickbooks-api.md §4).
pub fn parse_instant(s: &str, zone: Tz) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z") {
        return Some(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    zone.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_clients_send() {
        let pacific = parse_zone("America/Los_Angeles").unwrap();
        let want = parse_instant("2026-11-15T08:00:00Z", pacific);
        assert!(want.is_some());
        assert_eq!(parse_instant("2026-11-15T00:00:00-08:00", pacific), want);
        assert_eq!(parse_instant("2026-11-15T00:00:00-0800", pacific), want);
        assert_eq!(parse_instant("2026-11-15", pacific), want);
        assert_eq!(parse_instant("yesterday", pacific), None);
        assert_eq!(parse_zone("Pacific"), None);
    }

    #[test]
    fn follows_daylight_saving() {
        let pacific = parse_zone("America/Los_Angeles").unwrap();
        let at = |s: &str| Moment {
            now: DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc),
            zone: pacific,
        };
        let summer = at("2026-07-15T06:59:00Z");
        assert_eq!(summer.stamp(), "2026-07-14T23:59:00-07:00");
        assert_eq!(summer.today().to_string(), "2026-07-14");
        assert_eq!(at("2026-07-15T07:00:00Z").today().to_string(), "2026-07-15");
        let winter = at("2026-12-15T07:59:00Z");
        assert_eq!(winter.time(), "2026-12-14T23:59:00.000-08:00");
        assert_eq!(at("2026-12-15T08:00:00Z").today().to_string(), "2026-12-15");
        // Midnight in summer is 07:00Z, so a bare date means that.
        assert_eq!(
            parse_instant("2026-07-15", pacific),
            Some(at("2026-07-15T07:00:00Z").now)
        );
    }
}

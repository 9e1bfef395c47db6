//! "Days after creation until payment is due" (W1): the invoice action's due date, counted from the
//! company's today.

use crate::{AppError, ErrorCode};
use chrono::{Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use thiserror::Error;

/// The most days until due the invoice action takes: ten years, longer than any payment term.
pub const MAX_DAYS_UNTIL_DUE: u16 = 3650;

/// A whole number of days from 0 (due on receipt; a negative number would put the due date before the
/// invoice date) to ten years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaysUntilDue(u16);

#[derive(Debug, Error, PartialEq)]
#[error("days until due must be a whole number of days from 0 to {MAX_DAYS_UNTIL_DUE}, not {0:?}; nothing was created")]
pub struct InvalidDaysUntilDue(pub String);

impl From<InvalidDaysUntilDue> for AppError {
    fn from(e: InvalidDaysUntilDue) -> Self {
        AppError::refused(ErrorCode::InvalidDaysUntilDue, e.to_string())
    }
}

impl DaysUntilDue {
    /// HubSpot sends a number field as `14` or `"14"`, from a property possibly `"14.0"`.
    pub fn parse(text: &str) -> Result<Self, InvalidDaysUntilDue> {
        super::money::parse(text)
            .filter(|d| d.fract().is_zero())
            .and_then(|d| d.to_u16())
            .filter(|d| *d <= MAX_DAYS_UNTIL_DUE)
            .map(DaysUntilDue)
            .ok_or_else(|| InvalidDaysUntilDue(text.to_string()))
    }

    /// The due date of an invoice dated `today`. Ten years from any date chrono holds fits, bar the last
    /// ten years of year 262143: those stay on its last day.
    pub fn after(self, today: NaiveDate) -> NaiveDate {
        today
            .checked_add_days(Days::new(u64::from(self.0)))
            .unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_days_from_zero_to_ten_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for (text, due) in [
            ("14", "2026-12-06"),
            ("14.0", "2026-12-06"),
            ("0", "2026-11-22"),
        ] {
            let days = DaysUntilDue::parse(text).unwrap();
            assert_eq!(days.after(today).to_string(), due, "{text}");
        }
        assert_eq!(
            DaysUntilDue::parse("3650")
                .unwrap()
                .after(today)
                .to_string(),
            "2036-11-19"
        );
        for bad in ["-1", "1.5", "3651", "99999999999999999999", "soon", ""] {
            assert_eq!(
                DaysUntilDue::parse(bad),
                Err(InvalidDaysUntilDue(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(DaysUntilDue(10).after(NaiveDate::MAX), NaiveDate::MAX);
    }
}

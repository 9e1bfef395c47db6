//! Invoice status (I2). QuickBooks has no reliable status field for invoices (quickbooks-api.md §3), so we
//! derive one from the amounts, the due date and the e-mail state, top-down, first match wins:
//!
//! 0. **deleted**: QuickBooks no longer has it (CDC said `Deleted`, or a read no longer returns it, B8).
//! 1. **voided**: QuickBooks voided it (a void zeroes `TotalAmt` and `Balance` and notes "Voided").
//! 2. **paid in full**: `Balance` is 0 and `TotalAmt` > 0.
//! 3. **overdue**: money is still owed and `DueDate` is before the company's today (due today is not late).
//! 4. **partially paid**: 0 < `Balance` < `TotalAmt`.
//! 5. **sent**: `EmailStatus` is `EmailSent`.
//! 6. **awaiting send**: everything else (`NotSet`, `NeedToSend`); a zero-total invoice that is not voided
//!    has nothing to pay and stays here until sent.
//!
//! An unknown `Balance` (QuickBooks left it out or null) says nothing about payment: rules 2–4 need it, so
//! such an invoice is never shown paid, partly paid or overdue, only sent or awaiting send.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    AwaitingSend,
    Sent,
    PartiallyPaid,
    PaidInFull,
    Overdue,
    Voided,
    Deleted,
}

/// The facts the status is derived from.
#[derive(Clone, Debug)]
pub struct InvoiceFacts {
    pub total: Decimal,
    /// `None` when unknown: never taken as 0, which would read "paid in full".
    pub balance: Option<Decimal>,
    pub due_date: Option<NaiveDate>,
    pub email_sent: bool,
    pub voided: bool,
    pub deleted: bool,
}

impl InvoiceStatus {
    /// `today` is the company's local date (QuickBooks due dates are company-local).
    pub fn derive(f: &InvoiceFacts, today: NaiveDate) -> Self {
        let owed = f.balance.map(|b| b > Decimal::ZERO);
        if f.deleted {
            InvoiceStatus::Deleted
        } else if f.voided {
            InvoiceStatus::Voided
        } else if owed == Some(false) && f.total > Decimal::ZERO {
            InvoiceStatus::PaidInFull
        } else if owed == Some(true) && f.due_date.is_some_and(|d| d < today) {
            InvoiceStatus::Overdue
        } else if owed == Some(true) && f.balance < Some(f.total) {
            InvoiceStatus::PartiallyPaid
        } else if f.email_sent {
            InvoiceStatus::Sent
        } else {
            InvoiceStatus::AwaitingSend
        }
    }

    /// The stable code the card and the API use (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            InvoiceStatus::AwaitingSend => "awaiting_send",
            InvoiceStatus::Sent => "sent",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::PaidInFull => "paid_in_full",
            InvoiceStatus::Overdue => "overdue",
            InvoiceStatus::Voided => "voided",
            InvoiceStatus::Deleted => "deleted",
        }
    }

    /// What a person reads on the card and in deal properties.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::AwaitingSend => "Awaiting send",
            InvoiceStatus::Sent => "Sent to customer",
            InvoiceStatus::PartiallyPaid => "Partially paid",
            InvoiceStatus::PaidInFull => "Paid in full",
            InvoiceStatus::Overdue => "Overdue",
            InvoiceStatus::Voided => "Voided",
            InvoiceStatus::Deleted => "Deleted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();

    fn facts(
        total: Decimal,
        balance: Decimal,
        due: Option<(u32, u32)>,
        sent: bool,
        voided: bool,
    ) -> InvoiceFacts {
        InvoiceFacts {
            total,
            balance: Some(balance),
            due_date: due.map(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
            email_sent: sent,
            voided,
            deleted: false,
        }
    }

    fn status(f: InvoiceFacts) -> InvoiceStatus {
        InvoiceStatus::derive(&f, TODAY)
    }

    #[test]
    fn unsent_and_sent() {
        assert_eq!(
            status(facts(dec!(100), dec!(100), Some((12, 22)), false, false)),
            InvoiceStatus::AwaitingSend
        );
        assert_eq!(
            status(facts(dec!(100), dec!(100), None, false, false)),
            InvoiceStatus::AwaitingSend
        );
        assert_eq!(
            status(facts(dec!(100), dec!(100), Some((12, 22)), true, false)),
            InvoiceStatus::Sent
        );
    }

    #[test]
    fn due_date_boundary_is_exclusive_of_today() {
        assert_eq!(
            status(facts(dec!(100), dec!(100), Some((11, 22)), true, false)),
            InvoiceStatus::Sent
        );
        assert_eq!(
            status(facts(dec!(100), dec!(100), Some((11, 21)), true, false)),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            status(facts(dec!(100), dec!(100), Some((11, 21)), false, false)),
            InvoiceStatus::Overdue
        );
    }

    #[test]
    fn balance_boundaries() {
        // One cent paid is partially paid; one cent owed is not paid.
        assert_eq!(
            status(facts(dec!(100), dec!(99.99), None, true, false)),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            status(facts(dec!(100), dec!(0.01), None, true, false)),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            status(facts(dec!(100), dec!(0), None, true, false)),
            InvoiceStatus::PaidInFull
        );
        assert_eq!(
            status(facts(dec!(100), dec!(0.00), Some((1, 1)), false, false)),
            InvoiceStatus::PaidInFull
        );
        // Overdue wins over partially paid: the remaining balance is late.
        assert_eq!(
            status(facts(dec!(100), dec!(40), Some((11, 1)), true, false)),
            InvoiceStatus::Overdue
        );
    }

    #[test]
    fn voided_wins_and_zero_totals_are_not_paid() {
        assert_eq!(
            status(facts(dec!(0), dec!(0), Some((1, 1)), true, true)),
            InvoiceStatus::Voided
        );
        assert_eq!(
            status(facts(dec!(0), dec!(0), None, false, false)),
            InvoiceStatus::AwaitingSend
        );
        assert_eq!(
            status(facts(dec!(0), dec!(0), None, true, false)),
            InvoiceStatus::Sent
        );
    }

    #[test]
    fn an_unknown_balance_is_never_paid() {
        let unknown = |due: Option<(u32, u32)>, sent: bool| InvoiceFacts {
            balance: None,
            ..facts(dec!(100), dec!(0), due, sent, false)
        };
        assert_eq!(status(unknown(None, true)), InvoiceStatus::Sent);
        assert_eq!(status(unknown(None, false)), InvoiceStatus::AwaitingSend);
        assert_eq!(
            status(unknown(Some((1, 1)), true)),
            InvoiceStatus::Sent,
            "not known to be owed, so not overdue either"
        );
        let voided = InvoiceFacts {
            balance: None,
            ..facts(dec!(0), dec!(0), None, true, true)
        };
        assert_eq!(status(voided), InvoiceStatus::Voided);
    }

    #[test]
    fn deleted_wins_over_everything() {
        let deleted = InvoiceFacts {
            deleted: true,
            ..facts(dec!(0), dec!(0), Some((1, 1)), true, true)
        };
        assert_eq!(status(deleted), InvoiceStatus::Deleted);
        let owed = InvoiceFacts {
            deleted: true,
            ..facts(dec!(100), dec!(100), Some((1, 1)), true, false)
        };
        assert_eq!(status(owed).label(), "Deleted");
    }

    #[test]
    fn labels_are_the_product_wording() {
        assert_eq!(InvoiceStatus::PaidInFull.label(), "Paid in full");
        assert_eq!(
            serde_json::to_string(&InvoiceStatus::AwaitingSend).unwrap(),
            r#""awaiting_send""#
        );
        for s in [
            InvoiceStatus::AwaitingSend,
            InvoiceStatus::Sent,
            InvoiceStatus::PartiallyPaid,
            InvoiceStatus::PaidInFull,
            InvoiceStatus::Overdue,
            InvoiceStatus::Voided,
            InvoiceStatus::Deleted,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
    }
}

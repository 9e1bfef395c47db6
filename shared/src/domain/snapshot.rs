//! What we keep of a QuickBooks document next to the HubSpot record it is linked to, its status now, and
//! which one the deal's properties show (I1, I2, I11, I12).

use super::status::{InvoiceFacts, InvoiceStatus};
use crate::ids::RealmId;
use crate::quickbooks::entities::{DocType, Document};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub realm_id: RealmId,
    pub doc_type: DocType,
    pub id: String,
    pub number: Option<String>,
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub total: Decimal,
    /// `None` when QuickBooks gave none: unknown, never "paid" (domain/status.rs).
    #[serde(default)]
    pub balance: Option<Decimal>,
    pub currency: String,
    pub txn_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub email_sent: bool,
    pub voided: bool,
    /// QuickBooks no longer has it (B8): the figures are the last known ones, the status says "Deleted".
    #[serde(default)]
    pub deleted: bool,
    /// Estimates' own status (`Pending`, `Accepted`, …).
    pub txn_status: Option<String>,
    /// The payments applied to an invoice (I14: each becomes a note on the deal).
    #[serde(default)]
    pub payment_ids: Vec<String>,
    /// QuickBooks' `MetaData.LastUpdatedTime`: "the most recently updated one wins" (I11).
    pub updated_at: DateTime<Utc>,
    /// QuickBooks' clock when we read it, in the company's offset: the company's "today" comes from it.
    pub company_time: DateTime<FixedOffset>,
    /// Our clock when we read it: how fresh the snapshot is.
    pub fetched_at: DateTime<Utc>,
}

impl Snapshot {
    /// `company_time` is the answer's `time`; `home_currency` stands in when the document carries none
    /// (single-currency companies).
    pub fn of(
        realm_id: &RealmId,
        doc_type: DocType,
        doc: &Document,
        home_currency: &str,
        company_time: DateTime<FixedOffset>,
        fetched_at: DateTime<Utc>,
    ) -> Self {
        Self {
            realm_id: realm_id.clone(),
            doc_type,
            id: doc.id.clone(),
            number: doc.doc_number.clone(),
            customer_id: doc.customer.value.clone(),
            customer_name: doc.customer.name.clone(),
            total: doc.total,
            balance: doc.balance,
            currency: doc
                .currency
                .as_ref()
                .map_or_else(|| home_currency.to_string(), |c| c.value.clone()),
            txn_date: doc.txn_date,
            due_date: doc.due_date,
            email_sent: doc.email_status.as_deref() == Some("EmailSent"),
            voided: doc.is_voided(),
            deleted: false,
            txn_status: doc.txn_status.clone(),
            payment_ids: doc
                .linked
                .iter()
                .filter(|t| t.txn_type == "Payment")
                .map(|t| t.txn_id.clone())
                .collect(),
            updated_at: doc
                .meta
                .last_updated
                .map_or(fetched_at, |t| t.with_timezone(&Utc)),
            company_time,
            fetched_at,
        }
    }

    /// This snapshot once QuickBooks has deleted its document, noticed at `at` (`updated_at` when QuickBooks
    /// stamped the deletion): its last known figures stay, for the record.
    pub fn into_deleted(self, updated_at: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Self {
        Self {
            deleted: true,
            updated_at: updated_at.unwrap_or(self.updated_at),
            fetched_at: at,
            ..self
        }
    }

    /// The company's local date at `now`: its clock when read, moved on by the time since.
    pub fn company_today(&self, now: DateTime<Utc>) -> NaiveDate {
        company_today(self.company_time, self.fetched_at, now)
    }

    pub fn is_stale(&self, now: DateTime<Utc>, max_age: Duration) -> bool {
        now - self.fetched_at > max_age
    }

    /// The status shown on the card and written to the deal.
    pub fn status(&self, now: DateTime<Utc>) -> DocStatus {
        match self.doc_type {
            DocType::Invoice => DocStatus::Invoice(InvoiceStatus::derive(
                &InvoiceFacts {
                    total: self.total,
                    balance: self.balance,
                    due_date: self.due_date,
                    email_sent: self.email_sent,
                    voided: self.voided,
                    deleted: self.deleted,
                },
                self.company_today(now),
            )),
            DocType::Estimate | DocType::SalesReceipt if self.deleted => DocStatus::Deleted,
            DocType::Estimate if self.voided => DocStatus::Voided,
            DocType::Estimate => match self.txn_status.as_deref() {
                Some("Accepted") => DocStatus::Accepted,
                Some("Closed") => DocStatus::Closed,
                Some("Rejected") => DocStatus::Rejected,
                _ => DocStatus::Pending,
            },
            DocType::SalesReceipt if self.voided => DocStatus::Voided,
            // A sales receipt records a payment received with the sale.
            DocType::SalesReceipt => DocStatus::Paid,
        }
    }
}

/// A company's local date at `now`, from QuickBooks' clock as an answer stamped it (`company_time`, in the
/// company's offset at that moment, daylight saving included) moved on by the time since we read it
/// (`fetched_at`). QuickBooks' clock, not ours, decides "today" and "overdue" (I2).
pub fn company_today(
    company_time: DateTime<FixedOffset>,
    fetched_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> NaiveDate {
    let elapsed = now.signed_duration_since(fetched_at).max(Duration::zero());
    company_time
        .checked_add_signed(elapsed)
        .unwrap_or(company_time)
        .date_naive()
}

/// Invoice statuses (I2) plus those of estimates and sales receipts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocStatus {
    Invoice(InvoiceStatus),
    Pending,
    Accepted,
    Closed,
    Rejected,
    Paid,
    Voided,
    Deleted,
}

impl DocStatus {
    pub fn code(self) -> &'static str {
        match self {
            DocStatus::Invoice(s) => s.code(),
            DocStatus::Pending => "pending",
            DocStatus::Accepted => "accepted",
            DocStatus::Closed => "closed",
            DocStatus::Rejected => "rejected",
            DocStatus::Paid => "paid",
            DocStatus::Voided => "voided",
            DocStatus::Deleted => "deleted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocStatus::Invoice(s) => s.label(),
            DocStatus::Pending => "Pending",
            DocStatus::Accepted => "Accepted",
            DocStatus::Closed => "Closed",
            DocStatus::Rejected => "Rejected",
            DocStatus::Paid => "Paid",
            DocStatus::Voided => "Voided",
            DocStatus::Deleted => "Deleted",
        }
    }
}

/// The invoice whose figures the deal's properties show (I11): the most recently updated one in QuickBooks,
/// among those in the HubSpot account's company currency (I12). An invoice still in QuickBooks always wins
/// over a deleted one; when every one is deleted the newest shows, so the deal says "Deleted" rather than
/// keep a stale status (B8). `None` when no invoice qualifies.
pub fn deal_invoice<'a>(
    linked: impl IntoIterator<Item = &'a Snapshot>,
    company_currency: &str,
) -> Option<&'a Snapshot> {
    linked
        .into_iter()
        .filter(|s| s.doc_type == DocType::Invoice && currency_matches(s, company_currency))
        .max_by_key(|s| (!s.deleted, s.updated_at, s.fetched_at))
}

/// Whether a document may stand for the deal: same currency as the HubSpot account's company currency.
/// An account without a known currency accepts every document.
pub fn currency_matches(s: &Snapshot, company_currency: &str) -> bool {
    company_currency.is_empty() || s.currency.eq_ignore_ascii_case(company_currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn snap(id: &str, currency: &str, updated_min: i64) -> Snapshot {
        let t0 = DateTime::parse_from_rfc3339("2026-11-22T09:00:00-08:00").unwrap();
        Snapshot {
            realm_id: "1".parse().unwrap(),
            doc_type: DocType::Invoice,
            id: id.into(),
            number: Some(id.into()),
            customer_id: "58".into(),
            customer_name: None,
            total: dec!(100),
            balance: Some(dec!(100)),
            currency: currency.into(),
            txn_date: None,
            due_date: NaiveDate::from_ymd_opt(2026, 11, 22),
            email_sent: true,
            voided: false,
            deleted: false,
            txn_status: None,
            payment_ids: Vec::new(),
            updated_at: t0.with_timezone(&Utc) + Duration::minutes(updated_min),
            company_time: t0,
            fetched_at: t0.with_timezone(&Utc),
        }
    }

    #[test]
    fn the_newest_invoice_in_the_account_currency_wins() {
        let linked = [
            snap("a", "USD", 1),
            snap("b", "GBP", 9),
            snap("c", "usd", 5),
        ];
        assert_eq!(deal_invoice(&linked, "USD").unwrap().id, "c");
        assert_eq!(deal_invoice(&linked, "GBP").unwrap().id, "b");
        assert!(deal_invoice(&linked, "EUR").is_none());
        let mut estimate = snap("e", "USD", 99);
        estimate.doc_type = DocType::Estimate;
        assert_eq!(
            deal_invoice(&[estimate, snap("a", "USD", 1)], "USD")
                .unwrap()
                .id,
            "a"
        );
    }

    #[test]
    fn a_deleted_invoice_stands_for_the_deal_only_when_no_other_does() {
        let now = snap("a", "USD", 0).fetched_at + Duration::minutes(30);
        let gone = snap("b", "USD", 9).into_deleted(None, now);
        assert_eq!(gone.status(now).code(), "deleted");
        assert_eq!(gone.total, dec!(100), "its last known figures stay");
        let linked = [snap("a", "USD", 1), gone.clone()];
        assert_eq!(deal_invoice(&linked, "USD").unwrap().id, "a");
        assert_eq!(deal_invoice([&gone], "USD").unwrap().id, "b");
        let mut estimate = snap("e", "USD", 0);
        estimate.doc_type = DocType::Estimate;
        assert_eq!(
            estimate.into_deleted(None, now).status(now).label(),
            "Deleted"
        );
    }

    #[test]
    fn a_snapshot_saved_before_deletes_existed_reads_as_not_deleted() {
        let mut saved = serde_json::to_value(snap("a", "USD", 0)).unwrap();
        saved.as_object_mut().unwrap().remove("deleted");
        let read: Snapshot = serde_json::from_value(saved).unwrap();
        assert!(!read.deleted);
    }

    #[test]
    fn today_is_the_companys_and_moves_with_time() {
        let s = snap("a", "USD", 0);
        let read = s.fetched_at;
        // 09:00 Pacific on the 22nd is already the 22nd; due today is not late.
        assert_eq!(
            s.company_today(read),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
        assert_eq!(s.status(read), DocStatus::Invoice(InvoiceStatus::Sent));
        // Fifteen hours later it is the 23rd in California: overdue.
        let later = read + Duration::hours(15);
        assert_eq!(s.status(later), DocStatus::Invoice(InvoiceStatus::Overdue));
        assert!(s.is_stale(later, Duration::minutes(5)));
        assert!(!s.is_stale(read + Duration::minutes(4), Duration::minutes(5)));
    }

    #[test]
    fn an_invoice_without_a_balance_is_not_paid() {
        for answer in [
            r#"{"Id":"7","TotalAmt":250.0,"EmailStatus":"EmailSent"}"#,
            r#"{"Id":"7","TotalAmt":250.0,"Balance":null,"EmailStatus":"EmailSent"}"#,
        ] {
            let doc: Document =
                serde_json::from_value(crate::quickbooks::wire::parse(answer.as_bytes()).unwrap())
                    .unwrap();
            let t0 = DateTime::parse_from_rfc3339("2026-11-22T09:00:00-08:00").unwrap();
            let s = Snapshot::of(
                &"1".parse().unwrap(),
                DocType::Invoice,
                &doc,
                "USD",
                t0,
                t0.to_utc(),
            );
            assert_eq!(s.balance, None, "{answer}");
            assert_eq!(
                s.status(s.fetched_at),
                DocStatus::Invoice(InvoiceStatus::Sent),
                "{answer}"
            );
        }
    }

    #[test]
    fn estimates_and_receipts_have_their_own_statuses() {
        let mut e = snap("e", "USD", 0);
        e.doc_type = DocType::Estimate;
        assert_eq!(e.status(e.fetched_at).code(), "pending");
        e.txn_status = Some("Accepted".into());
        assert_eq!(e.status(e.fetched_at).label(), "Accepted");
        let mut r = snap("r", "USD", 0);
        r.doc_type = DocType::SalesReceipt;
        assert_eq!(r.status(r.fetched_at).code(), "paid");
        r.voided = true;
        assert_eq!(r.status(r.fetched_at).code(), "voided");
    }
}

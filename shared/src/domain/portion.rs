//! Deposit, percentage and balance invoices (B9): an invoice for part of a deal, and later the balance.
//!
//! The lines are scaled, not replaced by one "Deposit" line: every line of the deal stays, with its own
//! item and tax code, at quantity 1 and a unit price equal to its share of the portion. So the tax of a
//! deposit is exactly the share of each line's tax (a single line would need one item and one tax code for
//! a deal that mixes taxable and exempt products), QuickBooks' reports keep income per product, and
//! `Amount = Qty × UnitPrice` holds to the cent (6070). The description says what the line is a share of.
//!
//! Money is pre-tax throughout: the deal total is the sum of the lines, and what earlier invoices billed is
//! their total less their tax, so deposits and balance add up to the deal whatever tax QuickBooks adds.
//! Pure: the card gathers what earlier invoices billed.

use super::draft::DraftLine;
use super::money::{line_amount, to_cents as cents};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which part of the deal an invoice bills.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Portion {
    /// A percentage of the deal total (a deposit, a milestone).
    Percent { percent: Decimal },
    /// A fixed amount before tax.
    Amount { amount: Decimal },
    /// What earlier invoices of the deal have not billed yet. (A struct variant: a unit variant of an
    /// internally tagged enum would accept unknown fields.)
    Balance {},
}

#[derive(Debug, Error, PartialEq)]
pub enum PortionError {
    #[error("the percentage must be more than 0 and at most 100")]
    BadPercent,
    #[error("the amount must be more than 0, in cents at most")]
    BadAmount,
    #[error("{portion} is more than what remains to invoice on the deal ({remaining})")]
    MoreThanRemaining {
        portion: Decimal,
        remaining: Decimal,
    },
    #[error("the deal is already fully invoiced: {billed} of {total} before tax")]
    NothingRemaining { billed: Decimal, total: Decimal },
    #[error("the amounts are too large to compute")]
    Overflow,
}

/// The lines' total before tax, as QuickBooks sums them.
pub fn lines_total(lines: &[DraftLine]) -> Result<Decimal, PortionError> {
    lines.iter().try_fold(Decimal::ZERO, |sum, l| {
        let amount = line_amount(l.quantity, l.unit_price).ok_or(PortionError::Overflow)?;
        sum.checked_add(amount).ok_or(PortionError::Overflow)
    })
}

impl Portion {
    /// What this invoice bills before tax, out of a deal of `total` of which `billed` is invoiced already.
    pub fn amount(&self, total: Decimal, billed: Decimal) -> Result<Decimal, PortionError> {
        let remaining = total.checked_sub(billed).ok_or(PortionError::Overflow)?;
        if remaining <= Decimal::ZERO {
            return Err(PortionError::NothingRemaining { billed, total });
        }
        let portion = match self {
            Portion::Percent { percent } => {
                if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED {
                    return Err(PortionError::BadPercent);
                }
                let share = total
                    .checked_mul(*percent)
                    .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
                    .ok_or(PortionError::Overflow)?;
                cents(share)
            }
            Portion::Amount { amount } => {
                if *amount <= Decimal::ZERO || cents(*amount) != *amount {
                    return Err(PortionError::BadAmount);
                }
                *amount
            }
            Portion::Balance {} => remaining,
        };
        if portion <= Decimal::ZERO {
            return Err(PortionError::BadAmount);
        }
        if portion > remaining {
            return Err(PortionError::MoreThanRemaining { portion, remaining });
        }
        Ok(portion)
    }

    /// How the lines name the portion: `Deposit 30% of Acme consulting`, `Balance of Acme consulting`.
    pub fn label(&self, deal: &str) -> String {
        match self {
            Portion::Percent { percent } => format!("Deposit {}% of {deal}", percent.normalize()),
            Portion::Amount { .. } => format!("Deposit on {deal}"),
            Portion::Balance {} => format!("Balance of {deal}"),
        }
    }
}

/// The deal's lines, each billing its share of `portion` (shares in proportion to the line amounts, in
/// cents, the rounding difference on the largest line so they add up exactly).
pub fn portion_lines(
    lines: &[DraftLine],
    portion: Decimal,
    label: &str,
) -> Result<Vec<DraftLine>, PortionError> {
    let total = lines_total(lines)?;
    if total <= Decimal::ZERO {
        return Err(PortionError::BadAmount);
    }
    let mut shares = Vec::with_capacity(lines.len());
    for line in lines {
        let amount = line_amount(line.quantity, line.unit_price).ok_or(PortionError::Overflow)?;
        let share = amount
            .checked_mul(portion)
            .and_then(|v| v.checked_div(total))
            .ok_or(PortionError::Overflow)?;
        shares.push(cents(share));
    }
    let allocated = shares
        .iter()
        .try_fold(Decimal::ZERO, |s, v| s.checked_add(*v))
        .ok_or(PortionError::Overflow)?;
    let difference = portion
        .checked_sub(allocated)
        .ok_or(PortionError::Overflow)?;
    if let Some(largest) = shares.iter_mut().max() {
        *largest = largest
            .checked_add(difference)
            .ok_or(PortionError::Overflow)?;
    }
    Ok(lines
        .iter()
        .zip(shares)
        .map(|(line, share)| {
            let what = line.description.as_deref().unwrap_or("line").trim();
            DraftLine {
                item_id: line.item_id.clone(),
                description: Some(format!(
                    "{label}: {what} ({} × {})",
                    line.quantity.normalize(),
                    line.unit_price.normalize()
                )),
                quantity: Decimal::ONE,
                unit_price: share,
                service_date: line.service_date,
                tax_code_id: line.tax_code_id.clone(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(qty: Decimal, price: Decimal) -> DraftLine {
        DraftLine {
            item_id: "1".into(),
            description: Some("Consulting".into()),
            quantity: qty,
            unit_price: price,
            service_date: None,
            tax_code_id: Some("2".into()),
        }
    }

    #[test]
    fn percentages_amounts_and_the_balance_add_up_to_the_deal() {
        let total = dec!(402);
        let deposit = Portion::Percent { percent: dec!(30) };
        assert_eq!(deposit.amount(total, dec!(0)), Ok(dec!(120.60)));
        let fixed = Portion::Amount { amount: dec!(100) };
        assert_eq!(fixed.amount(total, dec!(120.60)), Ok(dec!(100)));
        assert_eq!(
            Portion::Balance {}.amount(total, dec!(220.60)),
            Ok(dec!(181.40))
        );
        assert_eq!(
            Portion::Balance {}.amount(total, total),
            Err(PortionError::NothingRemaining {
                billed: total,
                total
            })
        );
        assert_eq!(
            Portion::Amount { amount: dec!(300) }.amount(total, dec!(120.60)),
            Err(PortionError::MoreThanRemaining {
                portion: dec!(300),
                remaining: dec!(281.40)
            })
        );
    }

    #[test]
    fn out_of_range_portions_are_refused_never_panic() {
        let total = dec!(402);
        for percent in [dec!(0), dec!(-5), dec!(100.01), Decimal::MAX] {
            assert_eq!(
                Portion::Percent { percent }.amount(total, Decimal::ZERO),
                Err(PortionError::BadPercent)
            );
        }
        for amount in [dec!(0), dec!(-1), dec!(1.001)] {
            assert_eq!(
                Portion::Amount { amount }.amount(total, Decimal::ZERO),
                Err(PortionError::BadAmount)
            );
        }
        assert_eq!(
            Portion::Percent {
                percent: dec!(0.0001)
            }
            .amount(total, Decimal::ZERO),
            Err(PortionError::BadAmount),
            "a share that rounds to nothing"
        );
        assert_eq!(
            Portion::Balance {}.amount(Decimal::MAX, Decimal::MIN),
            Err(PortionError::Overflow)
        );
        assert_eq!(
            Portion::Percent { percent: dec!(50) }.amount(Decimal::MAX, Decimal::ZERO),
            Err(PortionError::Overflow)
        );
        assert_eq!(
            lines_total(&[line(Decimal::MAX, dec!(2))]),
            Err(PortionError::Overflow)
        );
    }

    #[test]
    fn a_portion_reads_as_the_card_sends_it_and_nothing_else() {
        let read = |v: serde_json::Value| serde_json::from_value::<Portion>(v);
        assert_eq!(
            read(serde_json::json!({ "kind": "percent", "percent": "30" })).unwrap(),
            Portion::Percent { percent: dec!(30) }
        );
        assert_eq!(
            read(serde_json::json!({ "kind": "balance" })).unwrap(),
            Portion::Balance {}
        );
        for bad in [
            serde_json::json!({ "kind": "balance", "amount": "5" }),
            serde_json::json!({ "kind": "percent", "percent": "30", "amount": "5" }),
            serde_json::json!({ "kind": "percent" }),
            serde_json::json!({ "kind": "half" }),
            serde_json::json!({ "percent": "30" }),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn lines_share_the_portion_in_proportion_and_to_the_cent() {
        let lines = [line(dec!(2), dec!(150)), line(dec!(4), dec!(25.50))];
        let label = Portion::Percent { percent: dec!(30) }.label("Acme consulting");
        let scaled = portion_lines(&lines, dec!(120.60), &label).unwrap();
        let prices: Vec<Decimal> = scaled.iter().map(|l| l.unit_price).collect();
        assert_eq!(prices, [dec!(90.00), dec!(30.60)]);
        assert!(scaled.iter().all(|l| l.quantity == Decimal::ONE));
        assert_eq!(scaled[0].tax_code_id.as_deref(), Some("2"));
        assert_eq!(
            scaled[0].description.as_deref(),
            Some("Deposit 30% of Acme consulting: Consulting (2 × 150)")
        );
        // Thirds do not divide into cents: the largest line takes the difference.
        let thirds = [
            line(dec!(1), dec!(1)),
            line(dec!(1), dec!(1)),
            line(dec!(1), dec!(1)),
        ];
        let scaled = portion_lines(&thirds, dec!(1), "Deposit").unwrap();
        let sum: Decimal = scaled.iter().map(|l| l.unit_price).sum();
        assert_eq!(sum, dec!(1));
    }
}

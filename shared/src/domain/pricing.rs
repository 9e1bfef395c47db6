//! What a HubSpot line item is worth on a QuickBooks line, discounts included.
//!
//! A HubSpot line item has a list `price`, a `quantity`, an optional unit discount (`discount`, an amount
//! per unit, or `hs_discount_percentage`) and its `amount`: the net value after the discount, which is what
//! the deal adds up. HubSpot takes a percentage off the line's total (price × quantity) and rounds that
//! discount to the cent.
//!
//! The choice: a discounted line goes to QuickBooks at its **net unit price** (amount ÷ quantity), and its
//! description names the list price and the discount, so the discount stays visible on the document. Not
//! a QuickBooks `DiscountLineDetail` line: that applies to the subtotal of the lines above it, not to one
//! item, so per-line discounts would need a subtotal and a discount line per discounted line; it needs the
//! company's discount preference and a discount account; and outside the US each line's tax code must apply
//! to the net amount, which a per-line net price gives directly (quickbooks-api.md §2, §10).

use super::money::{in_range, line_amount, to_cents, MAX_AMOUNT};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A line as HubSpot has it (a deal's or a quote's line item).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceLine {
    pub name: String,
    pub sku: Option<String>,
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// HubSpot's net `amount`, after the discount.
    #[serde(default)]
    pub amount: Option<Decimal>,
    #[serde(default)]
    pub discount: Option<Discount>,
}

/// A HubSpot unit discount.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    /// `hs_discount_percentage`: percent off.
    Percent(Decimal),
    /// `discount`: an amount off each unit.
    PerUnit(Decimal),
}

/// The decimals QuickBooks keeps on a unit price.
const UNIT_PRICE_DECIMALS: u32 = 7;

/// A line's values for QuickBooks: `amount` is `quantity × unit_price` to the cent (QuickBooks' 6070 rule).
#[derive(Clone, Debug, PartialEq)]
pub struct Priced {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub description: String,
}

#[derive(Debug, Error, PartialEq)]
#[error("line item {name:?} has a quantity, price, discount or amount out of range (at most {MAX_AMOUNT}); correct it in HubSpot")]
pub struct OutOfRange {
    pub name: String,
}

impl From<OutOfRange> for crate::error::AppError {
    fn from(e: OutOfRange) -> Self {
        crate::error::AppError::refused(crate::error::ErrorCode::AmountOutOfRange, e.to_string())
    }
}

/// The line at its net value, the discount named in the description.
pub fn price(line: &SourceLine) -> Result<Priced, OutOfRange> {
    let out_of_range = || OutOfRange {
        name: line.name.clone(),
    };
    let (quantity, list_price) = (line.quantity, line.unit_price);
    let gross = line_amount(quantity, list_price).ok_or_else(out_of_range)?;
    let net = match line.amount {
        // HubSpot's own figure wins: it is what the deal's amount adds up.
        Some(amount) if in_range(amount) => to_cents(amount),
        Some(_) => return Err(out_of_range()),
        None => discounted(gross, quantity, line.discount).ok_or_else(out_of_range)?,
    };
    let text = line
        .description
        .clone()
        .unwrap_or_else(|| line.name.clone());
    let discount = line.discount.filter(|d| match d {
        Discount::Percent(p) | Discount::PerUnit(p) => !p.is_zero(),
    });
    if (net == gross && discount.is_none()) || quantity.is_zero() {
        return Ok(Priced {
            quantity,
            unit_price: list_price,
            amount: gross,
            description: text,
        });
    }
    let note = match discount {
        Some(Discount::Percent(p)) => {
            format!("list price {list_price}, {}% discount", p.normalize())
        }
        Some(Discount::PerUnit(d)) => format!("list price {list_price}, discount {d} per unit"),
        None => format!("list price {list_price}"),
    };
    let unit = net
        .checked_div(quantity)
        .map(|u| u.round_dp(UNIT_PRICE_DECIMALS).normalize())
        .ok_or_else(out_of_range)?;
    Ok(if line_amount(quantity, unit) == Some(net) {
        Priced {
            quantity,
            unit_price: unit,
            amount: net,
            description: format!("{text} ({note})"),
        }
    } else {
        // No unit price of QuickBooks' precision gives the net amount (a huge quantity): one line for the
        // whole, the quantity named in the description.
        Priced {
            quantity: Decimal::ONE,
            unit_price: net,
            amount: net,
            description: format!("{text} ({} × {note})", quantity.normalize()),
        }
    })
}

/// The net amount as HubSpot computes it when it gives none: the discount comes off the line's total.
fn discounted(gross: Decimal, quantity: Decimal, discount: Option<Discount>) -> Option<Decimal> {
    let off = match discount {
        None => Decimal::ZERO,
        Some(Discount::Percent(p)) => {
            to_cents(gross.checked_mul(p)?.checked_div(Decimal::ONE_HUNDRED)?)
        }
        Some(Discount::PerUnit(d)) => line_amount(quantity, d)?,
    };
    gross.checked_sub(off).filter(|n| in_range(*n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(quantity: Decimal, price: Decimal) -> SourceLine {
        SourceLine {
            name: "Consulting hours".into(),
            sku: None,
            description: None,
            quantity,
            unit_price: price,
            amount: None,
            discount: None,
        }
    }

    #[test]
    fn undiscounted_lines_keep_their_price() {
        let p = price(&line(dec!(4), dec!(25.50))).unwrap();
        assert_eq!(
            (p.quantity, p.unit_price, p.amount),
            (dec!(4), dec!(25.50), dec!(102.00))
        );
        assert_eq!(p.description, "Consulting hours");
    }

    #[test]
    fn a_percentage_comes_off_the_total_and_shows_in_the_description() {
        // HubSpot: 10 × 234.56 = 2,345.60, 20 % = 469.12 off, net 1,876.48 (not 10 × 187.65).
        let mut l = line(dec!(10), dec!(234.56));
        l.discount = Some(Discount::Percent(dec!(20.0)));
        let p = price(&l).unwrap();
        assert_eq!(
            (p.quantity, p.unit_price, p.amount),
            (dec!(10), dec!(187.648), dec!(1876.48))
        );
        assert_eq!(
            p.description,
            "Consulting hours (list price 234.56, 20% discount)"
        );
        l.amount = Some(dec!(1876.48));
        assert_eq!(price(&l).unwrap(), p, "HubSpot's amount agrees");
    }

    #[test]
    fn an_amount_per_unit_and_hubspots_own_amount() {
        let mut l = line(dec!(3), dec!(100));
        l.description = Some("Support".into());
        l.discount = Some(Discount::PerUnit(dec!(10)));
        let p = price(&l).unwrap();
        assert_eq!((p.unit_price, p.amount), (dec!(90), dec!(270)));
        assert_eq!(
            p.description,
            "Support (list price 100, discount 10 per unit)"
        );
        // A net amount that no 7-decimal price reproduces: QuickBooks still gets Qty × UnitPrice = Amount.
        let mut l = line(dec!(3), dec!(33.33));
        l.amount = Some(dec!(89.99));
        let p = price(&l).unwrap();
        assert_eq!(line_amount(p.quantity, p.unit_price), Some(dec!(89.99)));
        assert_eq!(p.description, "Consulting hours (list price 33.33)");
        let mut l = line(dec!(1000000000), dec!(1));
        l.amount = Some(dec!(999999999.99));
        let p = price(&l).unwrap();
        assert_eq!(
            (p.quantity, p.unit_price, p.amount),
            (dec!(1), dec!(999999999.99), dec!(999999999.99))
        );
        assert_eq!(
            p.description,
            "Consulting hours (1000000000 × list price 1)"
        );
    }

    #[test]
    fn out_of_range_values_are_refused_not_panicking() {
        assert!(price(&line(Decimal::MAX, dec!(2))).is_err());
        let big = dec!(100000000000000000000);
        assert!(price(&line(big, big)).is_err());
        let mut l = line(dec!(1), dec!(1));
        l.amount = Some(Decimal::MAX);
        assert!(price(&l).is_err());
        let mut l = line(dec!(1), dec!(1));
        l.discount = Some(Discount::Percent(Decimal::MAX));
        assert!(price(&l).is_err());
    }
}

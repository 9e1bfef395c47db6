//! Money: computed with decimals, never floats, and written the way QuickBooks writes it. Real answers mix
//! `275` and `275.0` (quickbooks-api.md §2, value formats), so the simulator does so on purpose: line
//! amounts are integers when whole, document totals and balances always carry a fraction. A client that
//! only copes with one of the two fails here, as it would against QuickBooks.

use crate::faults::Fault;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};
use std::str::FromStr;

/// A JSON number or numeric string as a decimal, read from its text (no float on the way).
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// The largest amount, quantity or price the simulator takes. Not a documented QuickBooks limit: the
/// simulator's own, so that every product and sum it computes over a company's records stays far inside a
/// decimal and a request with absurd numbers gets a fault instead of crashing the simulator.
const LIMIT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// An amount field of a request: absent or null is `None`; a value that is not a number a decimal can
/// hold (e.g. `1e30`), or one beyond [`LIMIT`], is refused rather than taken as missing.
pub fn amount(v: &Value, field: &str) -> Result<Option<Decimal>, Fault> {
    match v {
        Value::Null => Ok(None),
        other => match decimal(other) {
            Some(d) if d.abs() > LIMIT => {
                Err(Fault::invalid_body(format!("{field} {d} is out of range")))
            }
            Some(d) => Ok(Some(d)),
            None => Err(Fault::invalid_body(format!(
                "{field} {other} is not an amount QuickBooks can store"
            ))),
        },
    }
}

/// The result of checked arithmetic, or the refusal naming what overflowed.
pub fn checked(result: Option<Decimal>, what: &str) -> Result<Decimal, Fault> {
    result.ok_or_else(|| Fault::out_of_range(what))
}

/// Cents, rounded half away from zero.
pub fn money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A line amount: `275` when whole, `275.5` otherwise.
pub fn line_amount(d: Decimal) -> Value {
    match d.to_i64().filter(|_| d.fract().is_zero()) {
        Some(whole) => json!(whole),
        None => to_json(d),
    }
}

/// A total or balance: always with a fraction (`275.0`).
pub fn total_amount(d: Decimal) -> Value {
    to_json(d)
}

/// JSON has one number type; serde_json writes it from an `f64`, exact for any amount in cents below 2^53.
fn to_json(d: Decimal) -> Value {
    json!(d.to_f64().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_lines_are_integers_and_totals_are_not() {
        assert_eq!(line_amount(Decimal::from(275)).to_string(), "275");
        assert_eq!(total_amount(Decimal::from(275)).to_string(), "275.0");
        assert_eq!(line_amount(Decimal::new(2755, 1)).to_string(), "275.5");
        assert_eq!(money(Decimal::new(84150, 4)), Decimal::new(842, 2));
        assert_eq!(decimal(&json!(25.5)), Some(Decimal::new(255, 1)));
        assert_eq!(decimal(&json!("0.1")), Some(Decimal::new(1, 1)));
        assert_eq!(LIMIT, Decimal::new(1_000_000_000_000_000, 0));
        assert!(amount(&json!("79228162514264337593543950335"), "Qty").is_err());
        assert!(amount(&json!(1e20), "Qty").is_err());
        assert_eq!(amount(&json!(2), "Qty").unwrap(), Some(Decimal::TWO));
    }
}

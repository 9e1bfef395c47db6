//! Money: computed with decimals, never floats, and written the way QuickBooks writes it. Real answers mix
//! `275` and `275.0` (quickbooks-api.md §2, value formats), so the simulator does so on purpose: line
//! amounts are integers when whole, document totals and balances always carry a fraction. A client that
//! only copes with one of the two fails here, as it would against QuickBooks.

use crate::faults::Fault;
use crate::wire;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

pub use crate::wire::decimal;

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
    wire::number(&d.normalize().to_string())
}

/// A total or balance: always with a fraction (`275.0`).
pub fn total_amount(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    match text.contains('.') {
        true => wire::number(&text),
        false => wire::number(&format!("{text}.0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn amounts_keep_digits_an_f64_would_round() {
        let price = Decimal::from_str_exact("1000000000000.1234567").unwrap();
        let stored = line_amount(price);
        assert_eq!(decimal(&stored), Some(price));
        assert_eq!(amount(&stored, "UnitPrice").unwrap(), Some(price));
        let total = Decimal::from_str_exact("9999999999999.99").unwrap();
        assert_eq!(decimal(&total_amount(total)), Some(total));
        assert_eq!(total_amount(Decimal::new(27500, 2)).to_string(), "275.0");
    }
}

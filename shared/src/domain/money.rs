//! Arithmetic on amounts we do not control (a card request, a HubSpot line item, a QuickBooks answer). Every
//! operation is checked: with `panic = "abort"` an overflow would kill the Lambda process mid-request, so an
//! absurd value must become a refusal the user can read instead.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// The largest quantity, unit price or amount we accept: 15 significant digits, cents included
/// (9,999,999,999,999.99). No real sale comes near it, and within it a product of two factors stays far
/// inside a decimal. Amounts are written with their exact digits, whatever their size (quickbooks/wire.rs):
/// a unit price keeps its 7 decimals next to 13 integer digits.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_319, 232_830, 0, false, 2);

/// Whether a quantity, price or amount is inside [`MAX_AMOUNT`] (either sign).
pub fn in_range(d: Decimal) -> bool {
    d.abs() <= MAX_AMOUNT
}

/// Cents, half away from zero: how QuickBooks rounds `Qty × UnitPrice` (error 6070 otherwise).
pub fn to_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `quantity × unit price` to the cent, or `None` when a factor or the result is out of range.
pub fn line_amount(quantity: Decimal, unit_price: Decimal) -> Option<Decimal> {
    if !in_range(quantity) || !in_range(unit_price) {
        return None;
    }
    quantity
        .checked_mul(unit_price)
        .map(to_cents)
        .filter(|a| in_range(*a))
}

/// The sum of amounts, or `None` when it overflows.
pub fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    amounts
        .into_iter()
        .try_fold(Decimal::ZERO, |total, a| total.checked_add(a))
}

/// A number as HubSpot writes it in a property (`"2"`, `"25.50"`, `"1e20"`); `None` when unreadable or
/// beyond what a decimal holds.
pub fn parse(text: &str) -> Option<Decimal> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_bound_is_fifteen_digits_with_cents() {
        assert_eq!(MAX_AMOUNT, dec!(9999999999999.99));
        assert!(in_range(dec!(-9999999999999.99)));
        assert!(!in_range(dec!(10000000000000)));
    }

    #[test]
    fn products_and_sums_never_overflow() {
        assert_eq!(line_amount(dec!(3), dec!(33.335)), Some(dec!(100.01)));
        assert_eq!(line_amount(Decimal::MAX, dec!(2)), None);
        assert_eq!(
            line_amount(dec!(100000000000000000000), dec!(100000000000000000000)),
            None
        );
        assert_eq!(
            line_amount(dec!(10000000), dec!(10000000)),
            None,
            "each in range, the product not"
        );
        assert_eq!(sum([dec!(1), dec!(2.5)]), Some(dec!(3.5)));
        assert_eq!(sum([Decimal::MAX, Decimal::ONE]), None);
    }

    #[test]
    fn reads_plain_and_scientific_numbers() {
        assert_eq!(parse(" 25.50 "), Some(dec!(25.50)));
        assert_eq!(parse("1e20"), Some(dec!(100000000000000000000)));
        assert_eq!(parse("79228162514264337593543950335"), Some(Decimal::MAX));
        assert_eq!(parse("79228162514264337593543950336"), None);
        assert_eq!(parse("1e40"), None);
        assert_eq!(parse("lots"), None);
    }
}

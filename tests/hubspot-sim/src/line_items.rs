//! What HubSpot computes on a line item: its `amount` (the net price) is `price × quantity` less the unit
//! discount, either `hs_discount_percentage` percent of that total (rounded to the cent) or `discount` off
//! each unit. HubSpot takes the percentage off the line's total, not off each unit (10 × 234.56 at 20 % is
//! 1,876.48, not 10 × 187.65); HubSpot's line item editor sets one kind of discount, and with both the
//! percentage is used here. A written `amount` is not kept: it is a calculated value. A line too large to
//! compute has no amount, rather than a wrong one.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::str::FromStr;

fn number(props: &BTreeMap<String, String>, name: &str) -> Option<Decimal> {
    let text = props.get(name)?.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The line item's `amount` as HubSpot reports it.
pub fn amount(props: &BTreeMap<String, String>) -> Option<String> {
    let quantity = number(props, "quantity")?;
    let total = number(props, "price")?.checked_mul(quantity)?;
    let off = match (
        number(props, "hs_discount_percentage"),
        number(props, "discount"),
    ) {
        (Some(percent), _) => cents(total.checked_mul(percent)? / Decimal::ONE_HUNDRED),
        (None, Some(per_unit)) => cents(per_unit.checked_mul(quantity)?),
        (None, None) => Decimal::ZERO,
    };
    Some(cents(total.checked_sub(off)?).normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn amounts_are_net_of_the_unit_discount() {
        let base = [("quantity", "10"), ("price", "234.56")];
        assert_eq!(amount(&props(&base)).as_deref(), Some("2345.6"));
        let pct = [base[0], base[1], ("hs_discount_percentage", "20")];
        assert_eq!(amount(&props(&pct)).as_deref(), Some("1876.48"));
        let per_unit = [("quantity", "3"), ("price", "100"), ("discount", "10")];
        assert_eq!(amount(&props(&per_unit)).as_deref(), Some("270"));
        let written = [("quantity", "2"), ("price", "150"), ("amount", "1")];
        assert_eq!(amount(&props(&written)).as_deref(), Some("300"));
    }

    #[test]
    fn absurd_lines_have_no_amount_and_never_panic() {
        let huge = [
            ("quantity", "79228162514264337593543950335"),
            ("price", "2"),
        ];
        assert_eq!(amount(&props(&huge)), None);
        let sci = [("quantity", "1e20"), ("price", "1e20")];
        assert_eq!(amount(&props(&sci)), None);
        assert_eq!(amount(&props(&[("price", "2")])), None);
    }
}

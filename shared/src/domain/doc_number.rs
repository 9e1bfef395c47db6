//! Document numbers (I13): what QuickBooks takes as one, and the next number after a company's latest
//! documents when it uses custom transaction numbers. Numbers are compared and incremented as digit
//! strings, so nothing overflows.

use super::text::line_control_character;

/// QuickBooks takes document numbers of at most 21 characters (quickbooks-api.md §2).
const DOC_NUMBER_MAX_CHARS: usize = 21;
/// The longest trailing number a document number may have. A number beyond a 64-bit integer breaks whatever
/// reads invoice numbers as integers (the QuickBooks simulator's numbering crashed on
/// `18446744073709551615` + 1), and nobody means one. With at most 18 digits a number and its successor
/// always fit.
const DOC_NUMBER_MAX_DIGITS: usize = 18;

/// Why a document number cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    TooLong,
    /// A control character, line breaks included: a number is one line.
    ControlCharacter(char),
    TooBig,
}

/// Why `number` cannot be used, if it cannot.
pub fn problem(number: &str) -> Option<Problem> {
    if number.chars().count() > DOC_NUMBER_MAX_CHARS {
        return Some(Problem::TooLong);
    }
    if let Some(c) = line_control_character(number) {
        return Some(Problem::ControlCharacter(c));
    }
    (split_number(number).1.len() > DOC_NUMBER_MAX_DIGITS).then_some(Problem::TooBig)
}

/// A document number's prefix and trailing number (`MC-0007` → `MC-`, `0007`).
fn split_number(n: &str) -> (&str, &str) {
    let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    n.split_at(n.len() - digits)
}

/// A digit string plus one, as digits (`0099` → `0100`, `99` → `100`): no integer type to overflow.
fn increment(digits: &str) -> String {
    let mut out: Vec<char> = digits.chars().collect();
    for d in out.iter_mut().rev() {
        match d.to_digit(10) {
            Some(9) => *d = '0',
            Some(n) => {
                *d = char::from_digit(n + 1, 10).unwrap_or('0');
                return out.into_iter().collect();
            }
            None => break,
        }
    }
    std::iter::once('1').chain(out).collect()
}

/// The next document number after the company's most recent ones (I13, custom transaction numbers):
/// the highest trailing number plus one, keeping prefix and zero padding (`MC-0007` → `MC-0008`). Numbers
/// whose successor would not be a valid document number are skipped.
pub fn next_doc_number<'a>(recent: impl IntoIterator<Item = &'a str>) -> Option<String> {
    recent
        .into_iter()
        .filter_map(|n| {
            let (prefix, number) = split_number(n);
            if number.is_empty() {
                return None;
            }
            let next = format!("{prefix}{}", increment(number));
            // Compared by value: without leading zeros, a longer digit string is a larger number.
            let value = number.trim_start_matches('0').to_string();
            problem(&next)
                .is_none()
                .then_some(((value.len(), value), next))
        })
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, next)| next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_numbers_keep_prefix_and_padding() {
        assert_eq!(
            next_doc_number(["MC-0007", "MC-0003"]).as_deref(),
            Some("MC-0008")
        );
        assert_eq!(next_doc_number(["1009", "998"]).as_deref(), Some("1010"));
        assert_eq!(next_doc_number(["INV-099"]).as_deref(), Some("INV-100"));
        assert_eq!(next_doc_number(["no digits"]), None);
        assert_eq!(next_doc_number([]), None);
        assert_eq!(
            next_doc_number(["A-99", "A-0100"]).as_deref(),
            Some("A-0101")
        );
    }

    #[test]
    fn next_numbers_never_overflow_and_skip_numbers_without_a_valid_successor() {
        assert_eq!(
            next_doc_number(["18446744073709551615", "1009"]).as_deref(),
            Some("1010")
        );
        assert_eq!(
            next_doc_number(["999999999999999998"]).as_deref(),
            Some("999999999999999999")
        );
        assert_eq!(next_doc_number(["999999999999999999"]), None);
        assert_eq!(
            next_doc_number(["INV-9999999999999999"]).as_deref(),
            Some("INV-10000000000000000")
        );
        assert_eq!(
            next_doc_number(["ABCDEFGHIJKLMNOPQRS99"]),
            None,
            "22 characters"
        );
    }

    #[test]
    fn problems_are_checked_length_first() {
        assert_eq!(problem("18446744073709551615"), Some(Problem::TooBig));
        assert_eq!(problem("INV-000000000000000001"), Some(Problem::TooLong));
        assert_eq!(problem("MC-\n7"), Some(Problem::ControlCharacter('\n')));
        assert_eq!(
            problem(&format!("{}\0", "1".repeat(21))),
            Some(Problem::TooLong)
        );
        assert_eq!(problem("MC-0008"), None);
    }
}

//! QuickBooks JSON with exact amounts. A `serde_json::Value` holds a fraction as an `f64`, which keeps 15
//! significant digits and rounds beyond (a unit price of 10^12 with 7 decimals), so amounts must not pass
//! through one. serde_json's `arbitrary_precision` feature would keep them, but Cargo unifies features across
//! the workspace and that one changes every crate's JSON: a number inside an untagged or internally tagged
//! enum no longer deserializes (lambda_http's `LambdaRequest` is untagged, our `Portion` internally tagged).
//! So the exactness lives here instead:
//!
//! - a `Value` holds a number as a `Value` number when that keeps its value exactly, and otherwise as a
//!   one-key object, `{"$exact_number": "1000000000000.1234567"}` ([`number`]);
//! - [`Wire`] writes such an object as the bare JSON number it stands for, through `RawValue`;
//! - [`parse`] reads an answer the same way, so no amount QuickBooks writes goes through an `f64`.

use rust_decimal::Decimal;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::str::FromStr;

/// The key of the object standing for a number a `Value` cannot hold exactly.
const EXACT: &str = "$exact_number";

/// A JSON number from its text: a `Value` number when that has the same value (the form may differ:
/// `650.00` becomes `650.0`), else the exact-number object.
fn from_text(text: &str) -> Value {
    let exact = decimal_text(text);
    match serde_json::from_str::<Value>(text) {
        Ok(n @ Value::Number(_)) if exact.is_some() && decimal(&n) == exact => n,
        _ => Value::Object(exact_object(text)),
    }
}

fn exact_object(text: &str) -> Map<String, Value> {
    Map::from_iter([(EXACT.to_string(), Value::from(text))])
}

/// A decimal as a JSON number with exactly its digits (`275`, `19.99`, `0.1234567`).
pub fn number(d: Decimal) -> Value {
    from_text(&d.to_string())
}

/// The text of an exact-number object, if it is a JSON number a decimal holds: [`Wire`] writes it raw, so
/// nothing else may pass.
fn exact_text(map: &Map<String, Value>) -> Option<&str> {
    match (map.len(), map.get(EXACT)) {
        (1, Some(Value::String(text))) if is_json_number(text) && decimal_text(text).is_some() => {
            Some(text)
        }
        _ => None,
    }
}

/// JSON text that starts like a number and parses is one number.
fn is_json_number(text: &str) -> bool {
    text.starts_with(|c: char| c == '-' || c.is_ascii_digit())
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

fn decimal_text(text: &str) -> Option<Decimal> {
    let text = text.trim();
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// An amount as QuickBooks or a body holds it: a number, an exact-number object, or a numeric string.
/// `None` for anything else, `null` included.
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => decimal_text(&n.to_string()),
        Value::String(s) => decimal_text(s),
        Value::Object(map) => exact_text(map).and_then(decimal_text),
        _ => None,
    }
}

/// A `Value` serialized with its exact-number objects as bare numbers: how a body goes on the wire.
pub struct Wire<'a>(pub &'a Value);

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => match exact_text(map) {
                Some(text) => RawValue::from_string(text.to_string())
                    .map_err(S::Error::custom)?
                    .serialize(s),
                None => s.collect_map(map.iter().map(|(k, v)| (k, Wire(v)))),
            },
            Value::Array(items) => s.collect_seq(items.iter().map(Wire)),
            other => other.serialize(s),
        }
    }
}

/// A JSON text as a `Value` whose numbers are exact (see the module comment).
pub fn parse(text: &[u8]) -> serde_json::Result<Value> {
    let text = std::str::from_utf8(text).map_err(serde::de::Error::custom)?;
    serde_json::from_str(&mark_inexact(text))
}

/// The text with each number a `Value` cannot hold exactly written as an exact-number object, in one pass.
/// (Reading it level by level through `RawValue` parses it once per level of nesting: 4x a plain parse on a
/// 1000-item answer, against 1.5x for this pass.)
/// Strings are skipped whole: a digit in one is text. `"` and `\` never occur inside a multi-byte UTF-8
/// character, so scanning bytes is safe. A malformed number is left alone for the parse to refuse.
fn mark_inexact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut marked = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                let token = &text[start..i];
                if is_json_number(token) && from_text(token).is_object() {
                    marked.push_str(&text[copied..start]);
                    marked.push_str(&Value::Object(exact_object(token)).to_string());
                    copied = i;
                }
            }
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    marked.push_str(&text[copied..]);
    Cow::Owned(marked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn wire(v: &Value) -> String {
        serde_json::to_string(&Wire(v)).unwrap()
    }

    #[test]
    fn numbers_a_value_holds_stay_plain_and_the_rest_keep_their_digits() {
        assert_eq!(number(dec!(19.99)), json!(19.99));
        assert_eq!(number(dec!(275)), json!(275));
        assert_eq!(number(dec!(0.1234567)), json!(0.1234567));
        let big = number(dec!(1000000000000.1234567));
        assert!(big.is_object(), "an f64 would write 1000000000000.1234");
        let body =
            json!({ "Line": [{ "Amount": big, "Qty": number(dec!(2)), "DocNumber": "1001" }] });
        assert_eq!(
            wire(&body),
            r#"{"Line":[{"Amount":1000000000000.1234567,"DocNumber":"1001","Qty":2}]}"#
        );
        assert_eq!(
            wire(&number(dec!(-12345678901234567.89))),
            "-12345678901234567.89"
        );
    }

    #[test]
    fn answers_are_read_without_a_float() {
        let read = parse(
            br#"{"Invoice":{"TotalAmt":1000000000000.1234567,"Balance":275.0,"Line":[{"Qty":3,"UnitPrice":99999999999.9999999}],"Note":"12.5","Ok":true,"None":null}}"#,
        )
        .unwrap();
        let invoice = &read["Invoice"];
        assert_eq!(
            decimal(&invoice["TotalAmt"]),
            Some(dec!(1000000000000.1234567))
        );
        assert_eq!(invoice["Balance"], json!(275.0));
        assert_eq!(
            decimal(&invoice["Line"][0]["UnitPrice"]),
            Some(dec!(99999999999.9999999))
        );
        assert_eq!(invoice["Line"][0]["Qty"], json!(3));
        assert_eq!(invoice["Note"], "12.5");
        assert_eq!(invoice["Ok"], true);
        assert!(invoice["None"].is_null());
        assert_eq!(decimal(&invoice["None"]), None);
        assert_eq!(
            wire(&read),
            r#"{"Invoice":{"Balance":275.0,"Line":[{"Qty":3,"UnitPrice":99999999999.9999999}],"None":null,"Note":"12.5","Ok":true,"TotalAmt":1000000000000.1234567}}"#
        );
        assert!(parse(b"{\"a\":").is_err());
    }

    #[test]
    fn text_is_never_taken_for_a_number() {
        let read = parse(
            r#"{"Note":"Café \"1000000000000.1234567\" \\","Big":1000000000000.1234567,"Bad":[1.2.3]}"#
                .as_bytes(),
        );
        assert!(read.is_err(), "a malformed number stays malformed");
        let read = parse(
            r#"{"Note":"Café \"1000000000000.1234567\" \\","Big":1000000000000.1234567}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(read["Note"], "Café \"1000000000000.1234567\" \\");
        assert_eq!(decimal(&read["Big"]), Some(dec!(1000000000000.1234567)));
        assert_eq!(
            decimal(&parse(b"-0.00000000000000000001").unwrap()),
            Some(dec!(-0.00000000000000000001))
        );
    }

    #[test]
    fn an_object_that_only_looks_exact_is_written_as_an_object() {
        for lookalike in [
            json!({ EXACT: "{\"x\":1}" }),
            json!({ EXACT: "1_000" }),
            json!({ EXACT: 5 }),
            json!({ EXACT: "5", "other": 1 }),
        ] {
            assert!(wire(&lookalike).starts_with('{'), "{lookalike}");
            assert_eq!(decimal(&lookalike), None);
        }
    }
}

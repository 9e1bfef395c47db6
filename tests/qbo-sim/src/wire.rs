//! JSON in and out with exact numbers. QuickBooks keeps amounts as decimals; a `serde_json::Value` holds a
//! fraction as an `f64`, which rounds beyond 15 significant digits (10^12 with 7 decimals). serde_json's
//! `arbitrary_precision` feature is no way out: Cargo would turn it on for every crate built with the
//! simulator, the client under test included, and it breaks numbers inside untagged enums (lambda_http's
//! requests). So, as the client does (shared/src/quickbooks/wire.rs; the simulator shares no code with what
//! it tests):
//!
//! - a stored number is a `Value` number when that keeps its value, else `{"$exact_number": "<text>"}`;
//! - [`parse`] reads request bodies that way, [`answer`] writes such objects back as bare numbers.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The key of the object standing for a number a `Value` cannot hold exactly.
const EXACT: &str = "$exact_number";

/// A JSON number from its text: a `Value` number when that has the same value, else the exact-number object.
pub fn number(text: &str) -> Value {
    let exact = decimal_text(text);
    match serde_json::from_str::<Value>(text) {
        Ok(n @ Value::Number(_)) if exact.is_some() && decimal(&n) == exact => n,
        _ => Value::Object(Map::from_iter([(EXACT.to_string(), Value::from(text))])),
    }
}

/// A decimal, refusing text it could only hold rounded (more than 28 decimals): QuickBooks would store
/// what it was sent, so the simulator must not keep something else.
fn decimal_text(text: &str) -> Option<Decimal> {
    let text = text.trim();
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

/// The text of an exact-number object, if it is a JSON number: [`answer`] writes it raw, nothing else may pass.
fn exact_text(map: &Map<String, Value>) -> Option<&str> {
    match (map.len(), map.get(EXACT)) {
        (1, Some(Value::String(text))) if is_json_number(text) => Some(text),
        _ => None,
    }
}

/// JSON text that starts like a number and parses is one number.
fn is_json_number(text: &str) -> bool {
    text.starts_with(|c: char| c == '-' || c.is_ascii_digit())
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// A JSON number (or numeric string, or exact-number object) as a decimal, from its text.
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => decimal_text(&n.to_string()),
        Value::String(s) => decimal_text(s),
        Value::Object(map) => exact_text(map).and_then(decimal_text),
        _ => None,
    }
}

/// Whether a stored value is a number, in either form.
pub fn is_number(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::Object(map) => exact_text(map).is_some(),
        _ => false,
    }
}

/// A `Value` serialized with its exact-number objects as bare numbers.
struct Wire<'a>(&'a Value);

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

/// A JSON answer, its numbers written exactly.
pub fn answer(status: StatusCode, body: &Value) -> Response {
    match serde_json::to_vec(&Wire(body)) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// A request body as a `Value` whose numbers keep their exact value.
pub fn parse(text: &str) -> serde_json::Result<Value> {
    exact(serde_json::from_str(text)?)
}

/// Each level is read as raw pieces first, so a number is seen as its text before anything converts it.
fn exact(raw: &RawValue) -> serde_json::Result<Value> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => {
            let fields: BTreeMap<String, &RawValue> = serde_json::from_str(text)?;
            fields
                .into_iter()
                .map(|(k, v)| Ok((k, exact(v)?)))
                .collect::<serde_json::Result<Map<_, _>>>()
                .map(Value::Object)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            items
                .into_iter()
                .map(exact)
                .collect::<serde_json::Result<Vec<_>>>()
                .map(Value::Array)
        }
        Some(b'-' | b'0'..=b'9') => Ok(number(text)),
        _ => serde_json::from_str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(v: &Value) -> String {
        serde_json::to_string(&Wire(v)).unwrap()
    }

    #[test]
    fn bodies_keep_every_digit_in_and_out() {
        let body = parse(
            r#"{"Line":[{"Amount":1000000000000.12,"SalesItemLineDetail":{"Qty":1,"UnitPrice":1000000000000.1234567}}],"DocNumber":"1001","Ok":true,"None":null}"#,
        )
        .unwrap();
        let detail = &body["Line"][0]["SalesItemLineDetail"];
        assert_eq!(
            decimal(&detail["UnitPrice"]),
            Some(Decimal::from_str_exact("1000000000000.1234567").unwrap())
        );
        assert!(is_number(&detail["UnitPrice"]) && is_number(&detail["Qty"]));
        assert_eq!(detail["Qty"], json!(1));
        assert_eq!(body["Line"][0]["Amount"], json!(1000000000000.12));
        assert_eq!(
            written(&body),
            r#"{"DocNumber":"1001","Line":[{"Amount":1000000000000.12,"SalesItemLineDetail":{"Qty":1,"UnitPrice":1000000000000.1234567}}],"None":null,"Ok":true}"#
        );
        assert!(parse("{\"a\":").is_err());
    }

    #[test]
    fn numbers_a_decimal_cannot_hold_exactly_are_not_amounts() {
        assert_eq!(decimal(&number("0.12345678901234567890123456789")), None);
        assert_eq!(decimal(&number("1e400")), None);
        let lookalike = json!({ EXACT: "{\"x\":1}" });
        assert!(!is_number(&lookalike));
        assert!(written(&lookalike).starts_with('{'));
    }
}

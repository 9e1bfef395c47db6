//! `X-HubSpot-Signature-v3` (hubspot-api.md §2): base64(HMAC-SHA256(client secret,
//! method + URL + body + timestamp)), timestamp in epoch milliseconds, at most 5 minutes old.
//! The URL is the public one HubSpot called, with 12 percent-encoded characters decoded first.

use super::{hmac_base64, verify_base64, SignatureError};

pub const SIGNATURE_HEADER: &str = "x-hubspot-signature-v3";
pub const TIMESTAMP_HEADER: &str = "x-hubspot-request-timestamp";
const MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// The characters HubSpot signs decoded; every other escape (e.g. `%20`) stays as sent.
const DECODED: [(&str, char); 12] = [
    ("3A", ':'),
    ("2F", '/'),
    ("3F", '?'),
    ("40", '@'),
    ("21", '!'),
    ("24", '$'),
    ("27", '\''),
    ("28", '('),
    ("29", ')'),
    ("2A", '*'),
    ("2C", ','),
    ("3B", ';'),
];

/// Decodes exactly HubSpot's 12 characters, case-insensitively.
pub fn canonical_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let escape = rest.get(pos + 1..pos + 3);
        match escape.and_then(|hex| {
            DECODED
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(hex))
        }) {
            Some((_, ch)) => {
                out.push(*ch);
                rest = &rest[pos + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[pos + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The signature HubSpot would send for this request.
pub fn sign_v3(secret: &str, method: &str, uri: &str, body: &[u8], timestamp_ms: &str) -> String {
    let uri = canonical_uri(uri);
    hmac_base64(
        secret.as_bytes(),
        &[
            method.as_bytes(),
            uri.as_bytes(),
            body,
            timestamp_ms.as_bytes(),
        ],
    )
}

/// Refuses a timestamp outside 5 minutes of `now_ms`. The header is untrusted: only plain epoch milliseconds
/// are read (no sign, nothing past `i64`), and the age is computed with checked arithmetic, so an extreme
/// value is refused instead of overflowing.
fn check_window(timestamp: &str, now_ms: i64) -> Result<(), SignatureError> {
    let malformed = SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp");
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed);
    }
    let ts: i64 = timestamp.parse().map_err(|_| malformed.clone())?;
    let age = now_ms.checked_sub(ts).ok_or(malformed)?;
    if age > MAX_SKEW_MS {
        return Err(SignatureError::Stale);
    }
    // HubSpot only documents "older than"; a far-future stamp would let a captured request live forever.
    if age < -MAX_SKEW_MS {
        return Err(SignatureError::FutureDated);
    }
    Ok(())
}

/// The two headers as received (either may be absent).
#[derive(Clone, Copy, Debug, Default)]
pub struct SignedHeaders<'a> {
    pub signature: Option<&'a str>,
    pub timestamp: Option<&'a str>,
}

/// Verifies a request against the client secret. `uri` is the full public URL (scheme, host, path, query)
/// exactly as HubSpot called it; `now_ms` is the current time in epoch milliseconds.
pub fn verify_v3(
    secret: &str,
    method: &str,
    uri: &str,
    body: &[u8],
    headers: SignedHeaders<'_>,
    now_ms: i64,
) -> Result<(), SignatureError> {
    let signature = headers
        .signature
        .ok_or(SignatureError::MissingHeader("X-HubSpot-Signature-v3"))?;
    let timestamp = headers
        .timestamp
        .ok_or(SignatureError::MissingHeader("X-HubSpot-Request-Timestamp"))?;
    check_window(timestamp.trim(), now_ms)?;
    let uri = canonical_uri(uri);
    verify_base64(
        secret.as_bytes(),
        &[
            method.as_bytes(),
            uri.as_bytes(),
            body,
            timestamp.trim().as_bytes(),
        ],
        signature,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const TS: &str = "1700000000000";
    const NOW: i64 = 1_700_000_000_000;

    fn headers<'a>(sig: &'a str) -> SignedHeaders<'a> {
        SignedHeaders {
            signature: Some(sig),
            timestamp: Some(TS),
        }
    }

    // The v3 vectors of hubspot-api.md §2 (self-derived with the documented formula).
    const POST_URI: &str = "https://www.example.com/webhook_uri";
    const POST_BODY: &str = r#"{"example_field":"example_value"}"#;
    const POST_SIG: &str = "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=";
    const CARD_URI: &str = "https://api.example.com/hubspot/card?portalId=62515&userEmail=jane%40example.com&associatedObjectType=DEAL&associatedObjectId=123&appId=54321";
    const CARD_SIG: &str = "XDjrMRhwElA/sqPxecynX/YEWqK6NZ05LiX1RwKuD+k=";
    const ACTION_URI: &str = "https://api.example.com/hubspot/actions/create-invoice";
    const ACTION_BODY: &str = r#"{"callbackId":"ap-102670506-56776413549-7-0","origin":{"portalId":102670506,"actionDefinitionId":10646377,"actionDefinitionVersion":1},"object":{"objectId":904,"objectType":"DEAL"},"inputFields":{}}"#;
    const ACTION_SIG: &str = "sY9ukpcUuIx9/ogchbfZn1n9dbQms/B6fBAY6ysC2O8=";

    #[test]
    fn reference_vectors_sign_and_verify() {
        for (method, uri, body, sig) in [
            ("POST", POST_URI, POST_BODY, POST_SIG),
            ("GET", CARD_URI, "", CARD_SIG),
            ("POST", ACTION_URI, ACTION_BODY, ACTION_SIG),
        ] {
            assert_eq!(
                sign_v3(SECRET, method, uri, body.as_bytes(), TS),
                sig,
                "{uri}"
            );
            verify_v3(SECRET, method, uri, body.as_bytes(), headers(sig), NOW).unwrap();
        }
    }

    #[test]
    fn the_card_url_is_signed_with_the_at_sign_decoded() {
        let decoded = CARD_URI.replace("%40", "@");
        assert_eq!(sign_v3(SECRET, "GET", &decoded, b"", TS), CARD_SIG);
        verify_v3(SECRET, "GET", &decoded, b"", headers(CARD_SIG), NOW).unwrap();
    }

    #[test]
    fn canonical_uri_decodes_only_the_twelve() {
        assert_eq!(
            canonical_uri("https://x.test/a%2fb?q=%3A%3a%40%21%24%27%28%29%2A%2C%3B%20%25%7E%"),
            "https://x.test/a/b?q=::@!$'()*,;%20%25%7E%"
        );
    }

    #[test]
    fn re_encoded_url_does_not_verify() {
        // %20 is not in the list: a proxy that turns it into '+' changes what was signed.
        let uri = "https://api.example.com/card?q=a%20b";
        let sig = sign_v3(SECRET, "GET", uri, b"", TS);
        let reencoded = "https://api.example.com/card?q=a+b";
        assert_eq!(
            verify_v3(SECRET, "GET", reencoded, b"", headers(&sig), NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn forged_requests_fail() {
        let h = headers(POST_SIG);
        let wrong_secret = verify_v3("other", "POST", POST_URI, POST_BODY.as_bytes(), h, NOW);
        let wrong_body = verify_v3(SECRET, "POST", POST_URI, b"{}", h, NOW);
        let wrong_method = verify_v3(SECRET, "PUT", POST_URI, POST_BODY.as_bytes(), h, NOW);
        let wrong_host = verify_v3(
            SECRET,
            "POST",
            "https://evil.example.com/webhook_uri",
            POST_BODY.as_bytes(),
            h,
            NOW,
        );
        let garbage = verify_v3(
            SECRET,
            "POST",
            POST_URI,
            POST_BODY.as_bytes(),
            headers("@@@"),
            NOW,
        );
        for r in [wrong_secret, wrong_body, wrong_method, wrong_host, garbage] {
            assert_eq!(r, Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn timestamp_window_is_five_minutes_both_ways() {
        let body = POST_BODY.as_bytes();
        let at = |now| verify_v3(SECRET, "POST", POST_URI, body, headers(POST_SIG), now);
        assert_eq!(at(NOW + 300_000), Ok(()));
        assert_eq!(at(NOW + 300_001), Err(SignatureError::Stale));
        assert_eq!(at(NOW - 300_000), Ok(()));
        assert_eq!(at(NOW - 300_001), Err(SignatureError::FutureDated));
        // The timestamp is signed: moving it to look fresh breaks the signature.
        let moved = SignedHeaders {
            signature: Some(POST_SIG),
            timestamp: Some("1700000100000"),
        };
        assert_eq!(
            verify_v3(SECRET, "POST", POST_URI, body, moved, NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_or_malformed_headers_are_named() {
        let none = SignedHeaders::default();
        assert_eq!(
            verify_v3(SECRET, "GET", POST_URI, b"", none, NOW),
            Err(SignatureError::MissingHeader("X-HubSpot-Signature-v3"))
        );
        let no_ts = SignedHeaders {
            signature: Some(POST_SIG),
            timestamp: None,
        };
        assert_eq!(
            verify_v3(SECRET, "GET", POST_URI, b"", no_ts, NOW),
            Err(SignatureError::MissingHeader("X-HubSpot-Request-Timestamp"))
        );
        let bad_ts = SignedHeaders {
            signature: Some(POST_SIG),
            timestamp: Some("yesterday"),
        };
        assert_eq!(
            verify_v3(SECRET, "GET", POST_URI, b"", bad_ts, NOW),
            Err(SignatureError::MalformedHeader(
                "X-HubSpot-Request-Timestamp"
            ))
        );
    }

    #[test]
    fn extreme_timestamps_are_refused_without_overflow() {
        // Each signed over itself, so only the window check can refuse it.
        let max_plus_one = (i64::MAX as u128 + 1).to_string();
        let u64_max = u64::MAX.to_string();
        let huge = "9".repeat(400);
        let cases = [
            (
                "-9223372036854775808",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                "-1",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                "+1700000000000",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                "17e11",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                "",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                "１７００",
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                &max_plus_one,
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                &u64_max,
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            (
                &huge,
                SignatureError::MalformedHeader("X-HubSpot-Request-Timestamp"),
            ),
            ("9223372036854775807", SignatureError::FutureDated),
            ("0", SignatureError::Stale),
        ];
        for (ts, want) in cases {
            let sig = sign_v3(SECRET, "POST", POST_URI, POST_BODY.as_bytes(), ts);
            let h = SignedHeaders {
                signature: Some(&sig),
                timestamp: Some(ts),
            };
            let at = |now| verify_v3(SECRET, "POST", POST_URI, POST_BODY.as_bytes(), h, now);
            assert_eq!(at(NOW), Err(want), "{ts:?}");
            // At the clock's own limits too: an answer, never an overflow.
            for now in [i64::MIN, i64::MAX, 0] {
                let _ = at(now);
            }
        }
    }

    #[test]
    fn empty_body_is_signed_as_nothing() {
        let sig = sign_v3(SECRET, "GET", POST_URI, b"", TS);
        verify_v3(SECRET, "GET", POST_URI, b"", headers(&sig), NOW).unwrap();
        // Signing "{}" for an empty GET (what HubSpot's Node sample does) is a different request.
        assert_eq!(
            verify_v3(SECRET, "GET", POST_URI, b"{}", headers(&sig), NOW),
            Err(SignatureError::Mismatch)
        );
    }
}

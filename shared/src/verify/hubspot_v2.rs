//! HubSpot's legacy v2 `X-HubSpot-Signature` (hubspot-api.md §2): hex(SHA-256(client secret + method + URL +
//! body)), announced by `X-HubSpot-Signature-Version: v2`. The custom-action guide still says action requests
//! carry it, so a workflow execution without a v3 signature is checked with it. It has no timestamp: replays
//! are harmless only where the request is once-only by itself (an execution's `callbackId`).

use super::SignatureError;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const SIGNATURE_HEADER: &str = "x-hubspot-signature";
pub const VERSION_HEADER: &str = "x-hubspot-signature-version";

fn digest(secret: &str, method: &str, uri: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in [secret.as_bytes(), method.as_bytes(), uri.as_bytes(), body] {
        hash.update(part);
    }
    hash.finalize().into()
}

/// The signature HubSpot would send: the URL exactly as called (nothing decoded), lower-case hex.
pub fn sign_v2(secret: &str, method: &str, uri: &str, body: &[u8]) -> String {
    digest(secret, method, uri, body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The two legacy headers as received (either may be absent).
#[derive(Clone, Copy, Debug, Default)]
pub struct LegacyHeaders<'a> {
    pub signature: Option<&'a str>,
    pub version: Option<&'a str>,
}

/// Verifies a v2 signature in constant time. Only `v2` is taken: v1 signs the body alone, so it would let a
/// signed body be replayed to another URL.
pub fn verify_v2(
    secret: &str,
    method: &str,
    uri: &str,
    body: &[u8],
    headers: LegacyHeaders<'_>,
) -> Result<(), SignatureError> {
    let signature = headers
        .signature
        .ok_or(SignatureError::MissingHeader("X-HubSpot-Signature"))?;
    let version = headers
        .version
        .ok_or(SignatureError::MissingHeader("X-HubSpot-Signature-Version"))?;
    if !version.trim().eq_ignore_ascii_case("v2") {
        return Err(SignatureError::MalformedHeader(
            "X-HubSpot-Signature-Version",
        ));
    }
    let given = decode_hex(signature.trim()).ok_or(SignatureError::Mismatch)?;
    let expected = digest(secret, method, uri, body);
    if bool::from(given.ct_eq(&expected)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// 64 hex digits as 32 bytes; anything else is `None`.
fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let pair = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The published v2 vectors (hubspot-api.md §2).
    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const URI: &str = "https://www.example.com/webhook_uri";
    const BODY: &str = r#"{"example_field":"example_value"}"#;
    const GET_SIG: &str = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e";
    const POST_SIG: &str = "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900";

    fn v2(sig: &str) -> LegacyHeaders<'_> {
        LegacyHeaders {
            signature: Some(sig),
            version: Some("v2"),
        }
    }

    #[test]
    fn published_vectors_sign_and_verify() {
        assert_eq!(sign_v2(SECRET, "GET", URI, b""), GET_SIG);
        assert_eq!(sign_v2(SECRET, "POST", URI, BODY.as_bytes()), POST_SIG);
        verify_v2(SECRET, "GET", URI, b"", v2(GET_SIG)).unwrap();
        verify_v2(SECRET, "POST", URI, BODY.as_bytes(), v2(POST_SIG)).unwrap();
        // Upper-case hex is the same signature.
        verify_v2(
            SECRET,
            "POST",
            URI,
            BODY.as_bytes(),
            v2(&POST_SIG.to_uppercase()),
        )
        .unwrap();
    }

    #[test]
    fn forged_or_moved_requests_fail() {
        let body = BODY.as_bytes();
        for result in [
            verify_v2("other", "POST", URI, body, v2(POST_SIG)),
            verify_v2(SECRET, "POST", URI, b"{}", v2(POST_SIG)),
            verify_v2(SECRET, "PUT", URI, body, v2(POST_SIG)),
            verify_v2(
                SECRET,
                "POST",
                "https://www.example.com/other",
                body,
                v2(POST_SIG),
            ),
            // v2 signs the URL as sent: a decoded escape is another URL.
            verify_v2(
                SECRET,
                "POST",
                "https://www.example.com/webhook%5Furi",
                body,
                v2(POST_SIG),
            ),
            verify_v2(SECRET, "POST", URI, body, v2(&POST_SIG[..63])),
            verify_v2(SECRET, "POST", URI, body, v2(&format!("{POST_SIG}00"))),
            verify_v2(SECRET, "POST", URI, body, v2(&"zz".repeat(32))),
            verify_v2(SECRET, "POST", URI, body, v2("é".repeat(32).as_str())),
        ] {
            assert_eq!(result, Err(SignatureError::Mismatch));
        }
    }

    #[test]
    fn the_version_must_be_v2() {
        let body = BODY.as_bytes();
        let sig = sign_v2(SECRET, "POST", URI, body);
        let headers = |version| LegacyHeaders {
            signature: Some(&sig),
            version,
        };
        assert_eq!(
            verify_v2(SECRET, "POST", URI, body, headers(Some("v1"))),
            Err(SignatureError::MalformedHeader(
                "X-HubSpot-Signature-Version"
            ))
        );
        assert_eq!(
            verify_v2(SECRET, "POST", URI, body, headers(None)),
            Err(SignatureError::MissingHeader("X-HubSpot-Signature-Version"))
        );
        assert_eq!(
            verify_v2(SECRET, "POST", URI, body, LegacyHeaders::default()),
            Err(SignatureError::MissingHeader("X-HubSpot-Signature"))
        );
    }
}

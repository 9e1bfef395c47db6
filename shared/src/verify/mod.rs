//! Verification of the requests we receive: HubSpot's `X-HubSpot-Signature-v3` (and its legacy v2 for workflow
//! executions) and Intuit's `intuit-signature`.

pub mod hubspot;
pub mod hubspot_v2;
pub mod intuit;

use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("the {0} header is not valid")]
    MalformedHeader(&'static str),
    #[error("the request timestamp is more than 5 minutes old")]
    Stale,
    #[error("the request timestamp is more than 5 minutes in the future")]
    FutureDated,
    #[error("the signature does not match the request")]
    Mismatch,
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Base64 HMAC-SHA256 of `parts` concatenated, keyed with `key`.
fn hmac_base64(key: &[u8], parts: &[&[u8]]) -> String {
    use base64::Engine;
    use hmac::Mac;
    base64::engine::general_purpose::STANDARD.encode(mac(key, parts).finalize().into_bytes())
}

fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    use hmac::Mac;
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac
}

/// Checks a base64 signature in constant time (HMAC's own `verify_slice`).
fn verify_base64(key: &[u8], parts: &[&[u8]], signature_b64: &str) -> Result<(), SignatureError> {
    use base64::Engine;
    use hmac::Mac;
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim())
        .map_err(|_| SignatureError::Mismatch)?;
    mac(key, parts)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

//! HubSpot's request signatures (hubspot-api.md §2), written here independently of the product's verifier so
//! each checks the other: v3 (`X-HubSpot-Signature-v3`: base64 HMAC-SHA256 of method + URL + body + timestamp
//! with the client secret, the URL's 12 reserved escapes decoded first) and the legacy v1/v2 hex SHA-256.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// HubSpot decodes these escapes (any case) before signing; every other one, `%20` included, stays.
const DECODED: [(&str, &str); 12] = [
    ("%3A", ":"),
    ("%2F", "/"),
    ("%3F", "?"),
    ("%40", "@"),
    ("%21", "!"),
    ("%24", "$"),
    ("%27", "'"),
    ("%28", "("),
    ("%29", ")"),
    ("%2A", "*"),
    ("%2C", ","),
    ("%3B", ";"),
];

pub fn decode_for_signing(url: &str) -> String {
    let mut out = url.to_string();
    for (code, ch) in DECODED {
        out = out.replace(code, ch).replace(&code.to_lowercase(), ch);
    }
    out
}

/// `X-HubSpot-Signature-v3` of a request (`url` as sent, scheme to query).
pub fn signature_v3(
    secret: &str,
    method: &str,
    url: &str,
    body: &str,
    timestamp_ms: &str,
) -> String {
    let source = format!("{method}{}{body}{timestamp_ms}", decode_for_signing(url));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(source.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn hex_sha256(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Legacy v1 `X-HubSpot-Signature`: hex(sha256(secret + body)).
pub fn signature_v1(secret: &str, body: &str) -> String {
    hex_sha256(&format!("{secret}{body}"))
}

/// Legacy v2 `X-HubSpot-Signature`: hex(sha256(secret + method + uri + body)), the URI exactly as sent.
pub fn signature_v2(secret: &str, method: &str, url: &str, body: &str) -> String {
    hex_sha256(&format!("{secret}{method}{url}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's secret and vectors (hubspot-api.md §2, "Published test vectors").
    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const TS: &str = "1700000000000";

    #[test]
    fn v3_vectors() {
        let cases = [
            ("POST", "https://www.example.com/webhook_uri", r#"{"example_field":"example_value"}"#,
             "rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o="),
            ("GET", "https://api.example.com/hubspot/card?portalId=62515&userEmail=jane%40example.com&associatedObjectType=DEAL&associatedObjectId=123&appId=54321", "",
             "XDjrMRhwElA/sqPxecynX/YEWqK6NZ05LiX1RwKuD+k="),
            ("POST", "https://api.example.com/hubspot/actions/create-invoice",
             r#"{"callbackId":"ap-102670506-56776413549-7-0","origin":{"portalId":102670506,"actionDefinitionId":10646377,"actionDefinitionVersion":1},"object":{"objectId":904,"objectType":"DEAL"},"inputFields":{}}"#,
             "sY9ukpcUuIx9/ogchbfZn1n9dbQms/B6fBAY6ysC2O8="),
        ];
        for (method, url, body, expected) in cases {
            assert_eq!(
                signature_v3(SECRET, method, url, body, TS),
                expected,
                "{method} {url}"
            );
        }
    }

    #[test]
    fn only_the_twelve_escapes_are_decoded_in_either_case() {
        assert_eq!(
            decode_for_signing("https://x.test/a?e=j%40x.test&f=%3a%2C%20%2B"),
            "https://x.test/a?e=j@x.test&f=:,%20%2B"
        );
    }

    #[test]
    fn v1_and_v2_vectors() {
        let v1_body = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
        assert_eq!(
            signature_v1(SECRET, v1_body),
            "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
        );
        let uri = "https://www.example.com/webhook_uri";
        assert_eq!(
            signature_v2(SECRET, "GET", uri, ""),
            "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
        );
        assert_eq!(
            signature_v2(SECRET, "POST", uri, r#"{"example_field":"example_value"}"#),
            "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"
        );
    }
}

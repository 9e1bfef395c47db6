//! Intuit's webhook signature (quickbooks-api.md §6): header `intuit-signature` =
//! base64(HMAC-SHA256(verifier token, raw body)).

use super::{verify_base64, SignatureError};

pub const SIGNATURE_HEADER: &str = "intuit-signature";

pub fn verify(
    verifier_token: &str,
    body: &[u8],
    signature: Option<&str>,
) -> Result<(), SignatureError> {
    let signature = signature.ok_or(SignatureError::MissingHeader("intuit-signature"))?;
    verify_base64(verifier_token.as_bytes(), &[body], signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Intuit's Java SDK WebhooksServiceTest vector.
    const JAVA_TOKEN: &str = "b5771f19b12ddb4bcdb9f08bdc50bc63878a";
    const JAVA_BODY: &str = r#"{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}"#;
    const JAVA_SIG: &str = "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q=";

    #[test]
    fn published_vectors_verify() {
        verify(JAVA_TOKEN, JAVA_BODY.as_bytes(), Some(JAVA_SIG)).unwrap();
        // python-quickbooks test_client.py vector.
        verify(
            "verify_me",
            br#"{"stuff":"5"}"#,
            Some("nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA="),
        )
        .unwrap();
    }

    #[test]
    fn forged_missing_and_empty_bodies_fail() {
        assert_eq!(
            verify(JAVA_TOKEN, JAVA_BODY.as_bytes(), None),
            Err(SignatureError::MissingHeader("intuit-signature"))
        );
        assert_eq!(
            verify("wrong", JAVA_BODY.as_bytes(), Some(JAVA_SIG)),
            Err(SignatureError::Mismatch)
        );
        let tampered = JAVA_BODY.replace("Create", "Delete");
        assert_eq!(
            verify(JAVA_TOKEN, tampered.as_bytes(), Some(JAVA_SIG)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(JAVA_TOKEN, b"", Some(JAVA_SIG)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(JAVA_TOKEN, JAVA_BODY.as_bytes(), Some("not base64!")),
            Err(SignatureError::Mismatch)
        );
    }
}

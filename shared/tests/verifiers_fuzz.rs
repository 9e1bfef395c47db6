//! The three signature verifiers against the hostile corpus (issue 10, item 3): every combination of
//! signature, timestamp, body and clock is refused with an error, never accepted and never a panic. Intuit's
//! webhook verifier has no route yet, so it is checked here directly.

use shared::verify::hubspot::{self, SignedHeaders};
use shared::verify::hubspot_v2::{self, LegacyHeaders};
use shared::verify::intuit;
use test_support::fuzz;

const URL: &str = "https://api.example.test/actions/invoice";

fn bodies() -> Vec<Vec<u8>> {
    let mut out = fuzz::raw_bodies();
    out.extend(fuzz::texts().into_iter().map(String::into_bytes));
    out
}

#[test]
fn hostile_signatures_timestamps_and_bodies_are_refused() {
    let signatures = fuzz::hostile_signatures();
    let timestamps = fuzz::hostile_timestamps();
    let clocks = [0, 1_700_000_000_000, i64::MIN, i64::MAX];
    for body in bodies() {
        for signature in &signatures {
            assert!(intuit::verify("verifier", &body, Some(signature)).is_err());
            let legacy = LegacyHeaders {
                signature: Some(signature),
                version: Some("v2"),
            };
            assert!(hubspot_v2::verify_v2("secret", "POST", URL, &body, legacy).is_err());
            for timestamp in &timestamps {
                let headers = SignedHeaders {
                    signature: Some(signature),
                    timestamp: Some(timestamp),
                };
                for now in clocks {
                    assert!(
                        hubspot::verify_v3("secret", "POST", URL, &body, headers, now).is_err()
                    );
                }
            }
        }
    }
}

#[test]
fn extreme_timestamps_signed_over_themselves_are_refused() {
    for timestamp in fuzz::hostile_timestamps() {
        let signature = hubspot::sign_v3("secret", "GET", URL, b"", &timestamp);
        let headers = SignedHeaders {
            signature: Some(&signature),
            timestamp: Some(&timestamp),
        };
        // Only a stamp within 5 minutes of the clock passes; none of these is.
        assert!(
            hubspot::verify_v3("secret", "GET", URL, b"", headers, 1_800_000_000_000).is_err(),
            "{timestamp:.40}"
        );
        for now in [0, i64::MIN, i64::MAX] {
            let _ = hubspot::verify_v3("secret", "GET", URL, b"", headers, now);
        }
    }
}

//! What a caller is shown when a call upstream fails, and what the log keeps.

use shared::hubspot::HubSpotError;
use shared::outbound::OutboundError;
use shared::quickbooks::QboError;
use shared::{AppError, ErrorCode};
use std::error::Error;

/// The error and every cause below it, as a log that walks the chain prints it.
fn chain(err: &AppError) -> Vec<String> {
    let mut causes = Vec::new();
    let mut next: Option<&dyn Error> = Some(err);
    while let Some(e) = next {
        causes.push(e.to_string());
        next = e.source();
    }
    causes
}

/// What the caller is shown never carries an internal URL, a `requestid` or what the upstream answered.
#[test]
fn upstream_detail_is_logged_not_shown() {
    let url =
        "http://127.0.0.1:40111/v3/company/9130/invoice/131/send?minorversion=75&requestid=5f2c";
    let truncated = r#"{"Invoice":{"Id":"131","Line":[{"Amount":150.00,"Desc"#;
    for err in [
        AppError::from(QboError::Transport(OutboundError::Unreachable {
            service: "QuickBooks",
            detail: format!("builder error for url ({url})"),
        })),
        AppError::from(QboError::Garbled {
            status: 200,
            tid: "1-abc".into(),
            snippet: truncated.into(),
        }),
        AppError::from(HubSpotError::Api {
            status: 400,
            category: "VALIDATION_ERROR".into(),
            message: format!("Property values were not valid: see {url}"),
        }),
    ] {
        let shown = err.public_message();
        for leak in [
            "http://",
            "requestid",
            "127.0.0.1",
            truncated,
            "Property values",
        ] {
            assert!(!shown.contains(leak), "{shown:?} shows {leak:?}");
        }
        match err.code() {
            ErrorCode::Upstream => {
                assert!(
                    err.to_string().contains("failed"),
                    "the log keeps the detail: {err}"
                );
                // The cause is kept as the error's source, not only flattened into its text.
                let causes = chain(&err);
                assert!(causes.len() >= 2, "{causes:?}");
                assert!(
                    causes[1..]
                        .iter()
                        .any(|c| c.contains("127.0.0.1") || c.contains("1-abc")),
                    "{causes:?}"
                );
            }
            // A final HubSpot refusal logs HubSpot's own text where it is converted.
            code => assert_eq!(code, ErrorCode::HubSpotRejected),
        }
    }
}

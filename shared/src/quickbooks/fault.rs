//! QuickBooks errors (quickbooks-api.md §8): the `Fault` envelope, the lower-case `fault` of auth failures,
//! and the XML throttle fault that comes even to JSON clients.

use crate::outbound::{OutboundError, Reply};
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum QboError {
    /// 3200 and friends: the access token is expired or revoked.
    #[error("QuickBooks refused the access token ({0}); reconnect the company if this persists")]
    Unauthorized(String),
    #[error("QuickBooks is throttling this company (code 3001); try again in a minute")]
    Throttled,
    /// A business or validation fault, with Intuit's code (6240, 6140, 6000, 5010, ...).
    #[error("QuickBooks error {code}: {message}{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Fault {
        code: String,
        message: String,
        detail: Option<String>,
    },
    #[error("QuickBooks answered {status} with an unreadable body (intuit_tid {tid}): {snippet}")]
    Garbled {
        status: u16,
        tid: String,
        snippet: String,
    },
    #[error(transparent)]
    Transport(#[from] OutboundError),
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "Fault", alias = "fault")]
    fault: Option<FaultBody>,
}

#[derive(Debug, Deserialize)]
struct FaultBody {
    #[serde(rename = "Error", alias = "error", default)]
    errors: Vec<FaultError>,
}

#[derive(Debug, Deserialize)]
struct FaultError {
    #[serde(rename = "Message", alias = "message", default)]
    message: String,
    #[serde(rename = "Detail", alias = "detail", default)]
    detail: Option<String>,
    #[serde(default)]
    code: String,
}

/// The fault in a reply, if any (a 200 can carry one too).
pub fn fault_of(reply: &Reply) -> Option<QboError> {
    let status = reply.status.as_u16();
    if status == 429 || looks_like_xml_throttle(&reply.body) {
        return Some(QboError::Throttled);
    }
    let envelope: Option<Envelope> = serde_json::from_slice(&reply.body).ok();
    let first = envelope
        .and_then(|e| e.fault)
        .and_then(|f| f.errors.into_iter().next());
    match (status, first) {
        (401, Some(e)) => Some(QboError::Unauthorized(format!("code {}", e.code))),
        (401, None) => Some(QboError::Unauthorized("HTTP 401".into())),
        (_, Some(e)) => Some(QboError::Fault {
            code: e.code,
            message: e.message,
            detail: e.detail,
        }),
        (s, None) if !(200..300).contains(&s) => Some(garbled(reply)),
        _ => None,
    }
}

fn looks_like_xml_throttle(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
    text.trim_start().starts_with('<') && text.contains("3001")
}

pub fn garbled(reply: &Reply) -> QboError {
    QboError::Garbled {
        status: reply.status.as_u16(),
        tid: reply.header("intuit_tid").unwrap_or("-").to_string(),
        snippet: String::from_utf8_lossy(&reply.body)
            .chars()
            .take(200)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reads_every_documented_fault_shape() {
        let validation = r#"{"Fault":{"Error":[{"Message":"Duplicate Name Exists Error","Detail":"The name supplied already exists.","code":"6240","element":""}],"type":"ValidationFault"},"time":"2017-09-29T09:17:31.892-07:00"}"#;
        assert!(
            matches!(fault_of(&reply(400, validation)), Some(QboError::Fault { code, .. }) if code == "6240")
        );
        let auth = r#"{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired","code":"3200"}],"type":"AUTHENTICATION"}}"#;
        assert!(
            matches!(fault_of(&reply(401, auth)), Some(QboError::Unauthorized(m)) if m.contains("3200"))
        );
        let throttle = r#"<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault>"#;
        assert!(matches!(
            fault_of(&reply(429, throttle)),
            Some(QboError::Throttled)
        ));
        assert!(matches!(
            fault_of(&reply(503, "<html>down</html>")),
            Some(QboError::Garbled { status: 503, .. })
        ));
        // A 200 can still carry a fault.
        assert!(fault_of(&reply(200, validation)).is_some());
        assert!(fault_of(&reply(200, r#"{"CompanyInfo":{}}"#)).is_none());
    }
}

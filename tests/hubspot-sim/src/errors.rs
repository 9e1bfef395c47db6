//! HubSpot's error answers (hubspot-api.md §6): `{status: "error", message, correlationId, category, errors?}`,
//! and a JSON body extractor that answers malformed input the same way instead of with axum's plain text.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub fn correlation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A refusal before it is answered: single-record endpoints answer it as it is, batch endpoints with traced
/// inputs list it in a 207's `errors` (hubspot-api.md §6 multi-status), so it keeps its parts.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub category: &'static str,
    pub message: String,
    /// Fields merged into the body (`errors`, `context`, `links`).
    pub extra: Value,
}

impl Refusal {
    pub fn new(status: StatusCode, category: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            category,
            message: message.into(),
            extra: json!({}),
        }
    }

    pub fn with(mut self, extra: Value) -> Self {
        self.extra = extra;
        self
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut body = json!({
            "status": "error",
            "message": self.message,
            "correlationId": correlation_id(),
            "category": self.category,
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), self.extra.as_object()) {
            body.extend(extra.clone());
        }
        (self.status, Json(body)).into_response()
    }
}

pub fn error(status: StatusCode, category: &'static str, message: &str) -> Response {
    Refusal::new(status, category, message).into_response()
}

/// An error body with extra fields (`errors`, `context`, `links`) merged in.
pub fn error_with(
    status: StatusCode,
    category: &'static str,
    message: &str,
    extra: Value,
) -> Response {
    Refusal::new(status, category, message)
        .with(extra)
        .into_response()
}

pub fn validation(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
}

pub fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "resource not found",
    )
}

pub fn object_not_found(id: &str) -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        format!("Object not found.  objectId are usually numeric. ({id})"),
    )
}

pub async fn unknown_path() -> Response {
    not_found()
}

pub async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "VALIDATION_ERROR",
        "HTTP method not allowed on this resource",
    )
}

/// A request body parsed as JSON; anything else is HubSpot's 400 rather than axum's plain-text rejection.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| validation(&format!("Invalid input JSON: {e}")))
    }
}

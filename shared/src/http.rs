//! What the three HTTP Lambdas share: reading a request's body and public URL, the one way in for a request
//! HubSpot signed (`signed`), the route table each function declares (`routes`), and answering JSON (errors as
//! `{ "error": { "code", "message" } }`).

mod routes;
mod signed;

pub use routes::{Found, NoRoute, Params, Route, Routes};
pub use signed::{Signature, SignedRequest, VerifiedCaller};

use crate::error::AppError;
use crate::Config;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

/// Larger bodies are refused before parsing; HubSpot's own limit for `hubspot.fetch` is 1 MB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn json<T: Serialize>(status: u16, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .expect("a response from a status code and a JSON text is always valid")
}

/// The JSON error answer. Internal failures are logged here with their detail and answered generically.
pub fn error(err: &AppError) -> Response<Body> {
    let code = err.code();
    if code.status() >= 500 {
        tracing::error!(error = %err, "request failed");
    } else {
        tracing::info!(error = %err, "request refused");
    }
    json(
        code.status(),
        &serde_json::json!({ "error": { "code": code, "message": shortened(err.public_message()) } }),
    )
}

/// A message is for a person: a parser's error that quotes a huge input is cut to its start.
fn shortened(message: String) -> String {
    const MAX_CHARS: usize = 500;
    match message.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message,
    }
}

/// The raw body bytes, refused when over [`MAX_BODY_BYTES`].
pub fn body_bytes(req: &Request) -> Result<&[u8], AppError> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(bytes)
}

/// The public base URL of a request, without a trailing slash: the configured custom domain, else the API
/// Gateway domain the caller used (from the request context, never from a header a client could set).
pub fn public_base(config: &Config, req: &Request) -> Result<String, AppError> {
    if let Some(base) = &config.public_base_url {
        return Ok(base.as_str().trim_end_matches('/').to_string());
    }
    use lambda_http::request::RequestContext;
    use lambda_http::RequestExt;
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx
            .domain_name
            .as_deref()
            .map(|domain| format!("https://{domain}"))
            .ok_or_else(|| AppError::BadRequest("the request has no API Gateway domain".into())),
        _ => Err(AppError::BadRequest(
            "PUBLIC_BASE_URL is not set and the request did not come through API Gateway".into(),
        )),
    }
}

/// The URL the caller used, rebuilt from the public base (API Gateway hands us its internal host).
pub fn public_url(config: &Config, req: &Request) -> Result<String, AppError> {
    let uri = req.uri();
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Ok(format!("{}{}", public_base(config, req)?, path_and_query))
}

/// Notes the HubSpot account a request comes from in its span (only after its signature was verified).
pub fn record_portal(portal_id: u64) {
    tracing::Span::current().record("portal_id", portal_id);
}

/// A query parameter, percent-decoded.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let query = req.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Runs a handler body in a span that every log line of the request carries (method, path, and the portal and
/// company once known; the runtime adds the request id), and turns its error into the JSON error answer:
/// handlers answer 4xx for bad input instead of failing the invocation.
pub async fn respond<F>(req: &Request, work: F) -> Result<Response<Body>, lambda_http::Error>
where
    F: std::future::Future<Output = Result<Response<Body>, AppError>>,
{
    use tracing::Instrument;
    let span = request_span(req);
    Ok(async { work.await.unwrap_or_else(|e| error(&e)) }
        .instrument(span)
        .await)
}

/// The span of one request; `portal_id` and `realm_id` are filled in when they are learned.
pub fn request_span(req: &Request) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        portal_id = tracing::field::Empty,
        realm_id = tracing::field::Empty,
    )
}

/// Notes the company a request is about in its span.
pub fn record_realm(realm_id: &str) {
    tracing::Span::current().record("realm_id", realm_id);
}

/// A browser redirect.
pub fn redirect(location: &str) -> Response<Body> {
    Response::builder()
        .status(302)
        .header("location", location)
        .header("cache-control", "no-store")
        .body(Body::Empty)
        .expect("a redirect response is always valid")
}

/// A small HTML page for the browser legs of OAuth: what happened, and where to go next.
pub fn page(status: u16, title: &str, message: &str, links: &[(&str, &str)]) -> Response<Body> {
    let links: String = links
        .iter()
        .map(|(label, href)| {
            format!(
                r#"<p><a class="button" href="{}">{}</a></p>"#,
                escape(href),
                escape(label)
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#33475b}}
.button{{display:inline-block;padding:.6rem 1rem;background:#2ca01c;color:#fff;border-radius:4px;text-decoration:none}}</style>
</head><body><h1>{t}</h1><p>{m}</p>{links}</body></html>"#,
        t = escape(title),
        m = escape(&shortened(message.to_string())),
    );
    Response::builder()
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .body(Body::Text(html))
        .expect("an HTML response is always valid")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A required query parameter.
pub fn required_param(req: &Request, name: &str) -> Result<String, AppError> {
    query_param(req, name)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| AppError::BadRequest(format!("the {name} query parameter is missing")))
}

/// The JSON body as `T`, with a message naming what is wrong.
pub fn json_body<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, AppError> {
    serde_json::from_slice(body_bytes(req)?)
        .map_err(|e| AppError::BadRequest(format!("the request body is not valid: {e}")))
}

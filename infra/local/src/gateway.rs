//! A local stand-in for the HTTP API: routes come from `template.yaml` (method + path, `{param}` and greedy
//! `{proxy+}` segments, `ANY`) and each route calls its function's handler in-process, the way API Gateway
//! would invoke the Lambda.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use shared::sync::SqsQueue;
use shared::App;
use std::sync::Arc;
use test_support::serve::{from_lambda, to_lambda};
use test_support::template::Route;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    OauthCallback,
    InvoiceCard,
    WorkflowActions,
}

impl Function {
    /// Which in-process handler serves a template function, by its `CodeUri`.
    pub fn for_code_uri(code_uri: &str) -> Option<Self> {
        match code_uri {
            "functions/oauth-callback" => Some(Self::OauthCallback),
            "functions/invoice-card" => Some(Self::InvoiceCard),
            "functions/workflow-actions" => Some(Self::WorkflowActions),
            _ => None,
        }
    }

    async fn call(
        self,
        app: &App,
        queue: &SqsQueue,
        req: lambda_http::Request,
    ) -> lambda_http::Response<lambda_http::Body> {
        let res = match self {
            Self::OauthCallback => oauth_callback::handle_with(app, Some(queue), req).await,
            Self::InvoiceCard => invoice_card::handle(app, req).await,
            Self::WorkflowActions => workflow_actions::handle(app, req).await,
        };
        // A handler error is what Lambda reports as a failed invocation; API Gateway answers it with 500.
        res.unwrap_or_else(|e| {
            tracing::error!(error = %e, "function failed");
            lambda_http::Response::builder()
                .status(500)
                .body(lambda_http::Body::from(
                    r#"{"message":"Internal Server Error"}"#,
                ))
                .expect("static response")
        })
    }
}

pub struct Gateway {
    pub app: App,
    /// The sync's job queue, where the settings page's resync and retry go.
    pub queue: SqsQueue,
    pub routes: Vec<(Route, Function)>,
}

/// Whether `route` takes `method` and `path`.
pub fn matches(route: &Route, method: &str, path: &str) -> bool {
    if route.method != "ANY" && route.method != method {
        return false;
    }
    let mut want = route.path.trim_start_matches('/').split('/');
    let mut got = path.trim_start_matches('/').split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.ends_with("+}") => return !g.is_empty(),
            (Some(w), Some(g)) if w.starts_with('{') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

pub fn router(gateway: Gateway) -> axum::Router {
    axum::Router::new()
        .fallback(dispatch)
        .with_state(Arc::new(gateway))
}

async fn dispatch(State(gw): State<Arc<Gateway>>, req: Request) -> Response {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let Some((_, function)) = gw.routes.iter().find(|(r, _)| matches(r, &method, &path)) else {
        // What API Gateway answers when no route matches.
        return (
            axum::http::StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"message": "Not Found"})),
        )
            .into_response();
    };
    match to_lambda(req).await {
        Ok(req) => from_lambda(function.call(&gw.app, &gw.queue, req).await),
        Err(too_large) => too_large,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> Route {
        Route {
            method: method.into(),
            path: path.into(),
            code_uri: "functions/invoice-card".into(),
        }
    }

    #[test]
    fn greedy_param_and_any() {
        let card = route("ANY", "/card/{proxy+}");
        assert!(matches(&card, "GET", "/card/companies"));
        assert!(matches(&card, "POST", "/card/a/b/c"));
        assert!(!matches(&card, "GET", "/card"));
        assert!(!matches(&card, "GET", "/card/"));
        assert!(!matches(&card, "GET", "/cards/x"));
        let exact = route("GET", "/connections");
        assert!(matches(&exact, "GET", "/connections"));
        assert!(!matches(&exact, "POST", "/connections"));
        assert!(!matches(&exact, "GET", "/connections/1"));
        let param = route("DELETE", "/connections/{realmId}");
        assert!(matches(&param, "DELETE", "/connections/123"));
        assert!(!matches(&param, "DELETE", "/connections/123/x"));
    }
}

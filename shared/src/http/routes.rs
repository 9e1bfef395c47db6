//! One route table per function: each path pattern with a method and the handler that serves it. A request
//! resolves to its handler and the path's parameters, or to the refusal the table implies: 404 for a path it
//! does not list, 405 with `Allow` (the path's methods) for a listed path asked with another method.

use super::error;
use crate::error::AppError;
use lambda_http::http::{header, HeaderValue};
use lambda_http::{Body, Request, Response};

/// One method on one path pattern. A pattern's segments are literals or `{name}` parameters; a parameter
/// matches any single segment, as sent (not percent-decoded), and its handler validates it.
pub struct Route<H> {
    /// A method's name, as `http::Method::as_str` gives it (a `Method` has a destructor, so it cannot sit in a
    /// static table).
    method: &'static str,
    pattern: &'static str,
    handler: H,
}

impl<H> Route<H> {
    pub const fn get(pattern: &'static str, handler: H) -> Self {
        Self::new("GET", pattern, handler)
    }

    pub const fn post(pattern: &'static str, handler: H) -> Self {
        Self::new("POST", pattern, handler)
    }

    pub const fn put(pattern: &'static str, handler: H) -> Self {
        Self::new("PUT", pattern, handler)
    }

    pub const fn delete(pattern: &'static str, handler: H) -> Self {
        Self::new("DELETE", pattern, handler)
    }

    const fn new(method: &'static str, pattern: &'static str, handler: H) -> Self {
        Self {
            method,
            pattern,
            handler,
        }
    }

    fn segments(&self) -> impl Iterator<Item = &'static str> {
        self.pattern.trim_start_matches('/').split('/')
    }

    /// The path's parameters, when the path has this route's shape.
    fn capture(&self, path: &[&str]) -> Option<Params> {
        if self.segments().count() != path.len() {
            return None;
        }
        let mut params = Vec::new();
        for (want, got) in self.segments().zip(path) {
            match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) => params.push((name, (*got).to_string())),
                None if want == *got => {}
                None => return None,
            }
        }
        Some(Params(params))
    }

    /// Which segments are literals: of two patterns that match a path, the one with a literal where the
    /// other has a parameter (leftmost first) wins, so `/connections/connect-url` is not a realm id.
    fn specificity(&self) -> Vec<bool> {
        self.segments().map(|s| !s.starts_with('{')).collect()
    }
}

/// A function's routes, in any order.
pub struct Routes<H: 'static>(&'static [Route<H>]);

impl<H: Copy + 'static> Routes<H> {
    pub const fn new(routes: &'static [Route<H>]) -> Self {
        Self(routes)
    }

    /// The request's handler, or why there is none.
    pub fn resolve(&self, req: &Request) -> Result<Found<H>, NoRoute<H>> {
        let path: Vec<&str> = req
            .uri()
            .path()
            .trim_start_matches('/')
            .split('/')
            .collect();
        let best = self
            .0
            .iter()
            .filter_map(|route| route.capture(&path).map(|params| (route, params)))
            .max_by_key(|(route, _)| route.specificity());
        let no_route = |allowed| NoRoute {
            method: req.method().to_string(),
            path: req.uri().path().to_string(),
            allowed,
        };
        let Some((best, params)) = best else {
            return Err(no_route(Vec::new()));
        };
        let same_path = self.0.iter().filter(|r| r.pattern == best.pattern);
        match same_path
            .clone()
            .find(|r| r.method == req.method().as_str())
        {
            Some(route) => Ok(Found {
                handler: route.handler,
                params,
            }),
            None => Err(no_route(same_path.map(|r| (r.method, r.handler)).collect())),
        }
    }
}

/// The handler of a request, and the values of its path's parameters.
#[derive(Debug)]
pub struct Found<H> {
    pub handler: H,
    pub params: Params,
}

/// The `{name}` segments of a matched path.
#[derive(Debug, Default)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    /// The segment named `name` in the route's pattern. A name the pattern lacks answers 404: the path has no
    /// such part, whatever the handler expected.
    pub fn get(&self, name: &str) -> Result<&str, AppError> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| AppError::NotFound(format!("the path has no {name}")))
    }
}

/// A request the table has no handler for: an unknown path, or a known path asked with another method.
#[derive(Debug)]
pub struct NoRoute<H> {
    method: String,
    path: String,
    /// The path's methods and their handlers; empty when the table does not know the path.
    allowed: Vec<(&'static str, H)>,
}

impl<H: Copy> NoRoute<H> {
    /// A handler of the path, when the table knows it: how the path is reached (signed or not) is decided by
    /// its handlers, so a wrong method is refused in the same way as the right one is served.
    pub fn path_handler(&self) -> Option<H> {
        self.allowed.first().map(|(_, handler)| *handler)
    }

    /// 404 for an unknown path, 405 for a wrong method.
    pub fn error(&self) -> AppError {
        if self.allowed.is_empty() {
            AppError::NotFound(format!("no route for {} {}", self.method, self.path))
        } else {
            AppError::MethodNotAllowed(format!("{} (allowed: {})", self.method, self.allow()))
        }
    }

    /// The JSON refusal, with `Allow` on a 405.
    pub fn answer(&self) -> Response<Body> {
        self.with_allow(error(&self.error()))
    }

    /// `response` (the refusal in whatever form the function answers) with the `Allow` header of a 405.
    pub fn with_allow(&self, mut response: Response<Body>) -> Response<Body> {
        if !self.allowed.is_empty() {
            if let Ok(allow) = HeaderValue::from_str(&self.allow()) {
                response.headers_mut().insert(header::ALLOW, allow);
            }
        }
        response
    }

    fn allow(&self) -> String {
        let methods: Vec<&str> = self.allowed.iter().map(|(m, _)| *m).collect();
        methods.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum H {
        List,
        Connect,
        Disconnect,
        Reconnect,
        Read,
        Replace,
    }

    static ROUTES: Routes<H> = Routes::new(&[
        Route::get("/connections", H::List),
        Route::post("/connections/connect-url", H::Connect),
        Route::delete("/connections/{realmId}", H::Disconnect),
        Route::post("/connections/{realmId}/reconnect", H::Reconnect),
        Route::get("/settings", H::Read),
        Route::put("/settings", H::Replace),
    ]);

    fn request(method: &str, uri: &str) -> Request {
        lambda_http::http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::Empty)
            .unwrap()
    }

    fn found(method: &str, uri: &str) -> Found<H> {
        ROUTES.resolve(&request(method, uri)).unwrap()
    }

    fn refused(method: &str, uri: &str) -> NoRoute<H> {
        ROUTES.resolve(&request(method, uri)).unwrap_err()
    }

    #[test]
    fn a_request_finds_its_handler_and_path_parameters() {
        assert_eq!(found("GET", "/connections?portalId=1").handler, H::List);
        assert_eq!(found("PUT", "/settings").handler, H::Replace);
        let reconnect = found("POST", "/connections/9130/reconnect");
        assert_eq!(reconnect.handler, H::Reconnect);
        assert_eq!(reconnect.params.get("realmId").unwrap(), "9130");
        assert_eq!(
            reconnect.params.get("realm").unwrap_err().code().status(),
            404
        );
        // A parameter is taken as sent: its handler decides what is valid.
        let odd = found("DELETE", "/connections/%20x");
        assert_eq!(odd.params.get("realmId").unwrap(), "%20x");
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        assert_eq!(
            found("POST", "/connections/connect-url").handler,
            H::Connect
        );
        let wrong = refused("DELETE", "/connections/connect-url");
        assert_eq!(wrong.path_handler(), Some(H::Connect));
        assert_eq!(wrong.error().code().status(), 405);
    }

    #[test]
    fn an_unknown_path_is_404_and_a_wrong_method_405_with_allow() {
        for uri in ["/nowhere", "/connections/1/2/3", "/settings/", "/"] {
            let miss = refused("GET", uri);
            assert_eq!(miss.path_handler(), None);
            let answer = miss.answer();
            assert_eq!(answer.status(), 404, "{uri}");
            assert!(answer.headers().get(header::ALLOW).is_none());
        }
        let miss = refused("DELETE", "/settings");
        assert_eq!(miss.path_handler(), Some(H::Read));
        let answer = miss.answer();
        assert_eq!(answer.status(), 405);
        assert_eq!(answer.headers()[header::ALLOW], "GET, PUT");
        assert!(miss
            .error()
            .to_string()
            .contains("DELETE (allowed: GET, PUT)"));
        let html = miss.with_allow(Response::new(Body::Empty));
        assert_eq!(html.headers()[header::ALLOW], "GET, PUT");
    }
}

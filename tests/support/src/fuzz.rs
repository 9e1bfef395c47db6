//! Hostile input for the edge fuzz tests (issue 10, item 3): the values that break parsers (numbers at the
//! limits of i64, u64 and decimals, huge strings, control characters, bad UTF-8, deep JSON, duplicated query
//! parameters), mixed into otherwise valid, correctly signed requests by a small seeded generator, so every
//! run sends the same corpus and a failure names the request that caused it.

use crate::{HUBSPOT_CLIENT_SECRET, PUBLIC_BASE_URL};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;

/// xorshift64*: deterministic, no dependency, good enough to pick samples.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `n` items of `items` (all of them when `n` is larger), in a seeded order.
    pub fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        for i in (1..pool.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            pool.swap(i, j);
        }
        pool.truncate(n);
        pool
    }
}

/// Text that breaks parsers: for query parameters, path segments and headers (percent-encode it first).
pub fn texts() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "0",
        "-0",
        "-1",
        "+1",
        "1.5",
        "0x10",
        "1e308",
        "-1e308",
        "1e-400",
        "NaN",
        "Infinity",
        "79228162514264337593543950335",
        "-79228162514264337593543950336",
        "0.0000000000000000000000000001",
        "18446744073709551616",
        "2026-02-30",
        "0000-01-01",
        "+275760-09-13",
        "\0",
        "\u{1}\u{1f}\u{7f}",
        "\r\nX-Injected: 1",
        "\u{202e}é😀",
        "%",
        "../../..",
        "' OR 1=1 --",
        "\\\"}",
        "true",
        "null",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    out.extend([
        i64::MIN.to_string(),
        i64::MAX.to_string(),
        u64::MAX.to_string(),
        "9".repeat(400),
        // API Gateway takes request lines up to ~10 KB; a query value near that is the largest that arrives.
        "a".repeat(8_000),
        format!("{}@example.com", "a".repeat(5_000)),
    ]);
    out
}

/// Percent-escapes that decode to bad UTF-8 or NUL: query values as a hostile client sends them, raw.
pub const BAD_ESCAPES: [&str; 6] = ["%FF%FE", "%C3%28", "%ED%A0%80", "%E2%82", "%00", "%"];

/// RFC 3986 percent-encoding of everything but the unreserved characters.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Numbers at the limits, as JSON numbers and as the decimal strings money travels in: every body leaf
/// gets all of them, since arithmetic on any field is where a panic hides.
pub fn json_numbers() -> Vec<Value> {
    let mut out: Vec<Value> = texts()
        .into_iter()
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_digit() || b"+-.e".contains(&b))
        })
        .map(Value::String)
        .collect();
    out.extend([
        json!(i64::MIN),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(-0.0),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(0.1),
        json!("1e20"),
    ]);
    out
}

/// JSON values that break parsers, for the leaves of a request body.
pub fn json_values() -> Vec<Value> {
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let mut out: Vec<Value> = texts().into_iter().map(Value::String).collect();
    out.extend([
        Value::Null,
        json!(true),
        json!([]),
        json!({}),
        json!("x".repeat(200_000)),
        json!(vec![u64::MAX; 5_000]),
        deep,
    ]);
    out
}

/// Whole bodies no JSON parser should take: bad UTF-8, nesting past any limit, truncation, a body over 1 MB.
pub fn raw_bodies() -> Vec<Vec<u8>> {
    vec![
        Vec::new(),
        b"\xff\xfe\xfd".to_vec(),
        b"{\"realmId\":\"\xff\"}".to_vec(),
        b"\xef\xbb\xbf{}".to_vec(),
        "[".repeat(100_000).into_bytes(),
        "{\"a\":".repeat(50_000).into_bytes(),
        format!("{}1{}", "[".repeat(127), "]".repeat(127)).into_bytes(),
        b"{\"a\":".to_vec(),
        b"1e999999".to_vec(),
        b"\"just a string\"".to_vec(),
        b"null".to_vec(),
        vec![b' '; 1024 * 1024 + 1],
    ]
}

/// Each leaf of `template` replaced in turn by `per_leaf` hostile values, and also by every [`json_numbers`]
/// value where `all_numbers` says so (by the leaf's dotted path); each object key removed in turn, and an
/// unknown key added at the top.
pub fn body_mutations(
    template: &Value,
    rng: &mut Rng,
    per_leaf: usize,
    all_numbers: fn(&str) -> bool,
) -> Vec<(String, Value)> {
    let values = json_values();
    let numbers = json_numbers();
    let mut out = Vec::new();
    let mut paths = Vec::new();
    leaf_paths(template, &mut Vec::new(), &mut paths);
    for path in &paths {
        let name = path.join(".");
        let numbers = if all_numbers(&name) {
            numbers.clone()
        } else {
            Vec::new()
        };
        for value in numbers.into_iter().chain(rng.sample(&values, per_leaf)) {
            let mut body = template.clone();
            *pointer(&mut body, path) = value.clone();
            out.push((format!("{name} = {:.60}", value.to_string()), body));
        }
        if let Some((last, parent)) = path.split_last() {
            let mut body = template.clone();
            if let Value::Object(map) = pointer(&mut body, parent) {
                map.remove(last);
                out.push((format!("without {name}"), body));
            }
        }
    }
    if let Value::Object(_) = template {
        let mut body = template.clone();
        body["unexpected"] = json!(u64::MAX);
        out.push(("an unknown field".into(), body));
    }
    out
}

fn leaf_paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                at.push(k.clone());
                leaf_paths(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                leaf_paths(v, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

fn pointer<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(value, |v, key| match v {
        Value::Array(items) => &mut items[key.parse::<usize>().expect("an index")],
        other => &mut other[key.as_str()],
    })
}

/// The query of `path_and_query` with each parameter in turn given `per_param` hostile values, given twice,
/// and left out; plus each of [`BAD_ESCAPES`] as every parameter's value.
pub fn query_mutations(path_and_query: &str, rng: &mut Rng, per_param: usize) -> Vec<String> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let texts = texts();
    let with = |i: usize, value: Option<String>, twice: bool| {
        let mut parts = Vec::new();
        for (j, (k, v)) in pairs.iter().enumerate() {
            if j != i {
                parts.push(format!("{k}={v}"));
                continue;
            }
            if let Some(value) = &value {
                parts.push(format!("{k}={value}"));
            }
            if twice {
                parts.push(format!("{k}={v}"));
            }
        }
        format!("{path}?{}", parts.join("&"))
    };
    let mut out = Vec::new();
    for (i, (_, v)) in pairs.iter().enumerate() {
        for text in rng.sample(&texts, per_param) {
            out.push(with(i, Some(encode(&text)), false));
        }
        for bad in BAD_ESCAPES {
            out.push(with(i, Some(bad.to_string()), false));
        }
        out.push(with(i, Some(format!("{v}x")), true));
        out.push(with(i, None, false));
    }
    out
}

/// A request as API Gateway passes it, signed v3 as HubSpot signs it, with any body bytes and timestamp.
pub fn signed_raw(
    method: &str,
    path_and_query: &str,
    body: &[u8],
    ts: &str,
) -> lambda_http::Request {
    let url = format!("{PUBLIC_BASE_URL}{path_and_query}");
    let signature = shared::verify::hubspot::sign_v3(HUBSPOT_CLIENT_SECRET, method, &url, body, ts);
    let mut req = lambda_http::http::Request::builder()
        .method(method)
        .uri(path_and_query)
        .header("content-type", "application/json")
        .body(lambda_http::Body::from(body.to_vec()))
        .expect("request");
    let headers = req.headers_mut();
    headers.insert("x-hubspot-signature-v3", signature.parse().expect("header"));
    if let Ok(ts) = ts.parse() {
        headers.insert("x-hubspot-request-timestamp", ts);
    }
    req
}

/// Signed now.
pub fn signed(method: &str, path_and_query: &str, body: &[u8]) -> lambda_http::Request {
    signed_raw(method, path_and_query, body, &crate::now_ms().to_string())
}

/// Timestamp headers the v3 verifier must refuse (each signed over itself): extremes, signs, non-digits.
pub fn hostile_timestamps() -> Vec<String> {
    let mut out: Vec<String> = texts()
        .into_iter()
        .filter(|t| !t.bytes().any(|b| b.is_ascii_control()))
        .collect();
    out.extend(
        [
            "-9223372036854775808",
            "9223372036854775807",
            "1700000000000",
        ]
        .map(String::from),
    );
    out
}

/// Signature header values no verifier may take, or choke on.
pub fn hostile_signatures() -> Vec<String> {
    let mut out: Vec<String> = texts()
        .into_iter()
        .filter(|t| !t.bytes().any(|b| b.is_ascii_control()))
        .collect();
    out.extend([
        "=".repeat(64),
        "A".repeat(44),
        "0".repeat(64),
        "é".repeat(32),
    ]);
    out
}

/// One fuzzed request and what it is, for the failure report. The request is built (and signed) only when
/// it is sent, so a long corpus never goes stale against the 5-minute window.
pub struct Case {
    pub what: String,
    build: Box<dyn FnOnce() -> lambda_http::Request + Send>,
}

impl Case {
    pub fn new(
        what: impl Into<String>,
        build: impl FnOnce() -> lambda_http::Request + Send + 'static,
    ) -> Self {
        Self {
            what: what.into(),
            build: Box::new(build),
        }
    }

    /// A request signed with v3 when sent.
    pub fn signed(
        what: impl Into<String>,
        method: &str,
        path_and_query: &str,
        body: Vec<u8>,
    ) -> Self {
        let (method, path_and_query) = (method.to_string(), path_and_query.to_string());
        Self::new(what, move || signed(&method, &path_and_query, &body))
    }
}

/// Sends every case to `handler`, each in its own task so a panic is caught and reported with the case, and
/// returns what went wrong: an answer of 500 or more, a panic, an error answer that is not the JSON error
/// shape (`json_errors`), echoes a huge input back, or shows an internal URL or a `requestid`.
pub async fn run<F, Fut>(cases: Vec<Case>, handler: F, json_errors: bool) -> Vec<String>
where
    F: Fn(lambda_http::Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = lambda_http::Response<lambda_http::Body>> + Send + 'static,
{
    let handler = Arc::new(handler);
    let mut failures = Vec::new();
    for case in cases {
        let handler = handler.clone();
        let what = case.what;
        let req = (case.build)();
        let answer = tokio::spawn(async move { handler(req).await }).await;
        let res = match answer {
            Ok(res) => res,
            Err(e) => {
                failures.push(format!("{what}: panicked ({e})"));
                continue;
            }
        };
        let status = res.status().as_u16();
        let body = String::from_utf8_lossy(res.body().as_ref()).into_owned();
        if status >= 500 {
            failures.push(format!("{what}: {status} {body:.300}"));
        } else if status >= 400 && json_errors {
            let shaped = serde_json::from_str::<Value>(&body).ok().is_some_and(|v| {
                v["error"]["code"].is_string() && v["error"]["message"].is_string()
            });
            if !shaped {
                failures.push(format!("{what}: {status} is not a JSON error: {body:.300}"));
            }
        }
        if status >= 400 && body.len() > 2_000 {
            failures.push(format!(
                "{what}: {status} answers {} bytes: {body:.300}",
                body.len()
            ));
        }
        if status >= 400 && (body.contains("http://") || body.contains("requestid")) {
            failures.push(format!("{what}: {status} shows internals: {body:.300}"));
        }
    }
    failures
}

/// Fails with every failure listed.
pub fn assert_none(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} fuzzed requests went wrong:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .map(|f| f.chars().take(400).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

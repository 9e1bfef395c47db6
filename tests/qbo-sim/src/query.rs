//! The query language subset real integrations use (quickbooks-api.md §4):
//! `SELECT * | COUNT(*) FROM <Entity> [WHERE a op v AND …] [ORDERBY f [ASC|DESC], …] [STARTPOSITION n]
//! [MAXRESULTS n]` with `=, <, >, <=, >=, IN, LIKE`. What QuickBooks cannot parse (OR, joins, projections)
//! is a 4000 parse fault; unknown entities, fields that are not filterable and MAXRESULTS above 1000 are a
//! 4001 validation fault.

use crate::amounts::decimal;
use crate::clock::{parse_instant, Moment};
use crate::faults::Fault;
use crate::state::Company;
use crate::wire::is_number;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::str::FromStr;

/// Entities that are name lists: their inactive records are hidden unless the query filters on `Active`.
const NAME_LISTS: &[&str] = &["Customer", "Item", "Term", "TaxCode", "TaxRate", "Account"];
pub const ENTITIES: &[&str] = &[
    "Customer",
    "Item",
    "Invoice",
    "Estimate",
    "SalesReceipt",
    "Payment",
    "Term",
    "TaxCode",
    "TaxRate",
    "Account",
];
const EVERY_ENTITY_FIELDS: &[&str] = &["Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime"];
const TIME_FIELDS: &[&str] = &["MetaData.CreateTime", "MetaData.LastUpdatedTime"];

/// The fields each entity can be filtered and sorted on, besides `Id` and `MetaData` times.
fn filterable(entity: &str) -> &'static [&'static str] {
    match entity {
        "Customer" => &[
            "DisplayName",
            "GivenName",
            "FamilyName",
            "CompanyName",
            "PrimaryEmailAddr",
            "Active",
            "Balance",
        ],
        "Item" => &["Name", "Sku", "Active", "Type"],
        "Invoice" => &[
            "DocNumber",
            "CustomerRef",
            "TxnDate",
            "DueDate",
            "Balance",
            "TotalAmt",
        ],
        "Estimate" | "SalesReceipt" => &["DocNumber", "CustomerRef", "TxnDate", "TotalAmt"],
        "Payment" => &["CustomerRef", "TxnDate", "TotalAmt"],
        // `WHERE AccountType = 'Income'` lists the accounts an item's sales can post to.
        "Account" => &["Name", "Active", "AccountType", "Classification"],
        _ => &["Name", "Active"],
    }
}

pub const MAX_RESULTS: usize = 1000;
const DEFAULT_RESULTS: usize = 100;

#[derive(Debug, PartialEq)]
pub struct Query {
    pub count: bool,
    pub entity: String,
    pub conditions: Vec<Condition>,
    /// Fields and whether descending.
    pub order_by: Vec<(String, bool)>,
    pub start: usize,
    pub max: usize,
}

#[derive(Debug, PartialEq)]
pub struct Condition {
    pub field: String,
    pub op: Op,
    pub values: Vec<Literal>,
}

#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Op {
    Eq,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
    In,
}

#[derive(Debug, PartialEq, Clone)]
pub enum Literal {
    Text(String),
    Number(Decimal),
    Bool(bool),
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Symbol(String),
}

fn tokenize(input: &str) -> Result<Vec<Token>, Fault> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(Fault::query_parse("Lexical error: unterminated string")),
                    Some('\\') if chars.get(i + 1) == Some(&'\'') => {
                        text.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        text.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Token::Text(text));
        } else if "<>=".contains(c) {
            let op = match (c, chars.get(i + 1)) {
                ('<' | '>', Some('=')) => format!("{c}="),
                _ => c.to_string(),
            };
            i += op.len();
            out.push(Token::Symbol(op));
        } else if "(),*".contains(c) {
            out.push(Token::Symbol(c.to_string()));
            i += 1;
        } else if c.is_alphanumeric() || ".-_".contains(c) {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || ".-_:+".contains(chars[i])) {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            return Err(Fault::query_parse(format!(
                "Lexical error at line 1, column {}. Encountered: \"{c}\"",
                i + 1
            )));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn unexpected(&self) -> Fault {
        match self.tokens.get(self.at) {
            Some(Token::Word(w) | Token::Text(w) | Token::Symbol(w)) => {
                Fault::query_parse(format!("Encountered \"{w}\" at token {}", self.at + 1))
            }
            None => Fault::query_parse("Encountered \"<EOF>\""),
        }
    }

    fn keyword(&mut self, k: &str) -> bool {
        let found =
            matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(k));
        self.at += usize::from(found);
        found
    }

    fn expect_keyword(&mut self, k: &str) -> Result<(), Fault> {
        match self.keyword(k) {
            true => Ok(()),
            false => Err(self.unexpected()),
        }
    }

    fn symbol(&mut self, s: &str) -> bool {
        let found = self.tokens.get(self.at) == Some(&Token::Symbol(s.into()));
        self.at += usize::from(found);
        found
    }

    fn word(&mut self) -> Result<String, Fault> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => {
                self.at += 1;
                Ok(w.clone())
            }
            _ => Err(self.unexpected()),
        }
    }

    fn number(&mut self) -> Result<usize, Fault> {
        let at = self.at;
        self.word()?.parse().map_err(|_| {
            self.at = at;
            self.unexpected()
        })
    }

    fn literal(&mut self) -> Result<Literal, Fault> {
        let literal = match self.tokens.get(self.at) {
            Some(Token::Text(t)) => Literal::Text(t.clone()),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            Some(Token::Word(w)) => {
                Literal::Number(Decimal::from_str(w).map_err(|_| self.unexpected())?)
            }
            _ => return Err(self.unexpected()),
        };
        self.at += 1;
        Ok(literal)
    }
}

pub fn parse(input: &str) -> Result<Query, Fault> {
    if input.trim().is_empty() {
        return Err(Fault::query_parse("The query provided was empty"));
    }
    let mut p = Parser {
        tokens: tokenize(input)?,
        at: 0,
    };
    p.expect_keyword("SELECT")?;
    let count = if p.symbol("*") {
        false
    } else if p.keyword("COUNT") && p.symbol("(") && p.symbol("*") && p.symbol(")") {
        true
    } else {
        return Err(p.unexpected());
    };
    p.expect_keyword("FROM")?;
    let named = p.word()?;
    let entity = ENTITIES
        .iter()
        .find(|e| e.eq_ignore_ascii_case(&named))
        .ok_or_else(|| Fault::query_invalid(format!("Metadata not found for Entity: {named}")))?
        .to_string();
    let mut conditions = Vec::new();
    if p.keyword("WHERE") {
        loop {
            conditions.push(condition(&mut p, &entity)?);
            if !p.keyword("AND") {
                break;
            }
        }
    }
    let mut order_by = Vec::new();
    if p.keyword("ORDERBY") || (p.keyword("ORDER") && p.keyword("BY")) {
        loop {
            let field = known_field(&entity, &p.word()?)?;
            let desc = p.keyword("DESC");
            if !desc {
                p.keyword("ASC");
            }
            order_by.push((field, desc));
            if !p.symbol(",") {
                break;
            }
        }
    }
    let start = if p.keyword("STARTPOSITION") {
        p.number()?.max(1)
    } else {
        1
    };
    let max = if p.keyword("MAXRESULTS") {
        p.number()?
    } else {
        DEFAULT_RESULTS
    };
    if p.at != p.tokens.len() {
        return Err(p.unexpected());
    }
    if max > MAX_RESULTS {
        return Err(Fault::query_invalid(format!(
            "MAXRESULTS {max} is more than the maximum of {MAX_RESULTS}"
        )));
    }
    Ok(Query {
        count,
        entity,
        conditions,
        order_by,
        start,
        max,
    })
}

fn known_field(entity: &str, name: &str) -> Result<String, Fault> {
    EVERY_ENTITY_FIELDS
        .iter()
        .chain(filterable(entity))
        .find(|f| f.eq_ignore_ascii_case(name))
        .map(|f| f.to_string())
        .ok_or_else(|| Fault::query_invalid(format!("property '{name}' is not queryable")))
}

fn condition(p: &mut Parser, entity: &str) -> Result<Condition, Fault> {
    let field = known_field(entity, &p.word()?)?;
    let op = [
        ("=", Op::Eq),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
    ]
    .into_iter()
    .find(|(s, _)| p.symbol(s))
    .map(|(_, op)| op)
    .or_else(|| p.keyword("LIKE").then_some(Op::Like))
    .or_else(|| p.keyword("IN").then_some(Op::In))
    .ok_or_else(|| p.unexpected())?;
    let values = if op == Op::In {
        if !p.symbol("(") {
            return Err(p.unexpected());
        }
        let mut values = vec![p.literal()?];
        while p.symbol(",") {
            values.push(p.literal()?);
        }
        if !p.symbol(")") {
            return Err(p.unexpected());
        }
        values
    } else {
        vec![p.literal()?]
    };
    Ok(Condition { field, op, values })
}

/// The value a query field compares against: references by `value`, e-mail addresses by `Address`.
fn field_value<'a>(record: &'a Value, field: &str) -> Option<&'a Value> {
    let v = field.split('.').try_fold(record, |v, part| v.get(part))?;
    match v {
        Value::Object(o) if !is_number(v) => o.get("value").or_else(|| o.get("Address")),
        other => Some(other),
    }
}

/// Compares a stored value with a literal the way the field means it: times as instants, Ids and amounts
/// as numbers, the rest as text.
fn compare(field: &str, value: &Value, literal: &Literal, zone: Tz) -> Option<Ordering> {
    match (value, literal) {
        (Value::String(s), Literal::Text(l)) if TIME_FIELDS.contains(&field) => {
            Some(parse_instant(s, zone)?.cmp(&parse_instant(l, zone)?))
        }
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        (v, Literal::Number(l)) if is_number(v) => Some(decimal(value)?.cmp(l)),
        (v, Literal::Text(l)) if is_number(v) => {
            Some(decimal(value)?.cmp(&Decimal::from_str(l).ok()?))
        }
        (Value::String(s), Literal::Text(l)) if field == "Id" => {
            Some(Decimal::from_str(s).ok()?.cmp(&Decimal::from_str(l).ok()?))
        }
        (Value::String(s), Literal::Text(l)) => Some(s.as_str().cmp(l.as_str())),
        _ => None,
    }
}

fn like(value: &Value, pattern: &Literal) -> bool {
    let (Value::String(s), Literal::Text(p)) = (value, pattern) else {
        return false;
    };
    let (s, p) = (s.to_lowercase(), p.to_lowercase());
    match (p.strip_prefix('%'), p.strip_suffix('%')) {
        (Some(_), Some(_)) => s.contains(p.trim_matches('%')),
        (Some(rest), None) => s.ends_with(rest),
        (None, Some(rest)) => s.starts_with(rest),
        (None, None) => s == p,
    }
}

impl Condition {
    fn matches(&self, record: &Value, zone: Tz) -> bool {
        let Some(value) = field_value(record, &self.field) else {
            return false;
        };
        let cmp = |l: &Literal| compare(&self.field, value, l, zone);
        let first = &self.values[0];
        match self.op {
            Op::Eq => cmp(first) == Some(Ordering::Equal),
            Op::Lt => cmp(first) == Some(Ordering::Less),
            Op::Gt => cmp(first) == Some(Ordering::Greater),
            Op::Le => matches!(cmp(first), Some(Ordering::Less | Ordering::Equal)),
            Op::Ge => matches!(cmp(first), Some(Ordering::Greater | Ordering::Equal)),
            Op::Like => like(value, first),
            Op::In => self.values.iter().any(|l| cmp(l) == Some(Ordering::Equal)),
        }
    }
}

/// The records a query selects, in order, and how many matched before paging.
pub fn run<'a>(q: &Query, records: &'a [Value], zone: Tz) -> (Vec<&'a Value>, usize) {
    let filters_active = q.conditions.iter().any(|c| c.field == "Active");
    let hide_inactive = NAME_LISTS.contains(&q.entity.as_str()) && !filters_active;
    let mut hits: Vec<&Value> = records
        .iter()
        .filter(|r| !hide_inactive || r["Active"] != false)
        .filter(|r| q.conditions.iter().all(|c| c.matches(r, zone)))
        .collect();
    if !q.order_by.is_empty() {
        // Each record's keys are read once: comparing raw values would parse every time on each of the
        // n·log n comparisons, too slow for a company of 10,000 invoices.
        let mut keyed: Vec<(Vec<Option<SortKey>>, &Value)> = hits
            .into_iter()
            .map(|r| {
                let keys = q.order_by.iter().map(|(f, _)| sort_key(f, r, zone));
                (keys.collect(), r)
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            a.iter()
                .zip(b)
                .zip(&q.order_by)
                .map(|((x, y), (_, desc))| if *desc { y.cmp(x) } else { x.cmp(y) })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        hits = keyed.into_iter().map(|(_, r)| r).collect();
    }
    let total = hits.len();
    let page = hits.into_iter().skip(q.start - 1).take(q.max).collect();
    (page, total)
}

/// What a record is sorted by on one field, read as the field means it (as [`compare`] does); records
/// without the field sort first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Bool(bool),
    Number(Decimal),
    Instant(chrono::DateTime<chrono::Utc>),
    Text(String),
}

fn sort_key(field: &str, record: &Value, zone: Tz) -> Option<SortKey> {
    Some(match field_value(record, field)? {
        Value::String(s) if TIME_FIELDS.contains(&field) => {
            parse_instant(s, zone).map_or_else(|| SortKey::Text(s.clone()), SortKey::Instant)
        }
        Value::String(s) if field == "Id" => {
            Decimal::from_str(s).map_or_else(|_| SortKey::Text(s.clone()), SortKey::Number)
        }
        Value::String(s) => SortKey::Text(s.clone()),
        Value::Bool(b) => SortKey::Bool(*b),
        other => SortKey::Number(decimal(other)?),
    })
}

/// The `QueryResponse` of a statement: entities with `startPosition`, `maxResults` and `totalCount` (the
/// rows of this answer, as in the real sandbox answer quickbooks-api.md §4 cites, where both are 31), only
/// `totalCount` (all matches) for `COUNT(*)`, and `{}` when nothing matched.
pub fn response(company: &Company, statement: &str) -> Result<Value, Fault> {
    let q = parse(statement)?;
    let (page, total) = run(&q, company.records(&q.entity), company.zone);
    let mut answer = Map::new();
    if q.count {
        answer.insert("totalCount".into(), json!(total));
    } else if !page.is_empty() {
        let rows = page.len();
        // Cloned into place: `json!` would copy each record through the serializer, slow for a page of
        // 1000 invoices.
        let page = Value::Array(page.into_iter().cloned().collect());
        answer.insert(q.entity.clone(), page);
        answer.insert("startPosition".into(), json!(q.start));
        answer.insert("maxResults".into(), json!(rows));
        answer.insert("totalCount".into(), json!(rows));
    }
    let mut body = Map::new();
    body.insert("QueryResponse".into(), Value::Object(answer));
    Ok(Value::Object(body))
}

/// The whole answer to `GET …/query?query=` or `POST …/query`.
pub fn answer(company: &Company, statement: &str, at: &Moment) -> axum::response::Response {
    match response(company, statement) {
        Ok(mut body) => {
            body["time"] = json!(at.time());
            crate::wire::answer(axum::http::StatusCode::OK, &body)
        }
        Err(fault) => fault.response(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Tz {
        Tz::UTC
    }

    #[test]
    fn parses_the_supported_grammar() {
        let q = parse("select * from Customer where DisplayName LIKE '%acme%' AND Active IN (true, false) orderby DisplayName desc, Id startposition 2 maxresults 5").unwrap();
        assert_eq!(q.entity, "Customer");
        assert_eq!(q.conditions.len(), 2);
        assert_eq!(
            q.order_by,
            vec![("DisplayName".into(), true), ("Id".into(), false)]
        );
        assert_eq!((q.start, q.max), (2, 5));
        assert!(parse("SELECT COUNT(*) FROM Invoice").unwrap().count);
        assert_eq!(
            parse("SELECT * FROM Invoice WHERE DocNumber = 'O\\'Brien'")
                .unwrap()
                .conditions[0]
                .values,
            vec![Literal::Text("O'Brien".into())]
        );
        assert!(parse(
            "SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '2026-01-01' ORDER BY Metadata.LastUpdatedTime ASC"
        )
        .is_ok());
    }

    #[test]
    fn refuses_what_quickbooks_refuses_with_its_code() {
        for (bad, code) in [
            ("", "4000"),
            (
                "SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'",
                "4000",
            ),
            ("SELECT DisplayName FROM Customer", "4000"),
            (
                "SELECT * FROM Customer WHERE DisplayName = 'unterminated",
                "4000",
            ),
            ("SELECT * FROM Customer, Invoice", "4000"),
            (
                "SELECT * FROM Customer c JOIN Invoice i ON c.Id = i.CustomerRef",
                "4000",
            ),
            ("SELECT * FROM Widget", "4001"),
            ("SELECT * FROM Customer WHERE Shoe = 'x'", "4001"),
            ("SELECT * FROM Invoice WHERE DisplayName = 'x'", "4001"),
            ("SELECT * FROM Customer ORDERBY Shoe", "4001"),
            ("SELECT * FROM Customer MAXRESULTS 1001", "4001"),
        ] {
            assert_eq!(parse(bad).map(|_| ()).unwrap_err().code, code, "{bad}");
        }
    }

    #[test]
    fn filters_pages_and_hides_inactive_name_list_records() {
        let customers = vec![
            json!({"Id": "1", "DisplayName": "Acme Ltd", "Active": true, "PrimaryEmailAddr": {"Address": "a@acme.test"}}),
            json!({"Id": "2", "DisplayName": "Acme Ltd.", "Active": true}),
            json!({"Id": "10", "DisplayName": "Old Acme", "Active": false}),
        ];
        let count = |s: &str| run(&parse(s).unwrap(), &customers, utc()).1;
        assert_eq!(
            count("SELECT * FROM Customer WHERE DisplayName LIKE '%acme%'"),
            2
        );
        assert_eq!(
            count(
                "SELECT * FROM Customer WHERE DisplayName LIKE '%acme%' AND Active IN (true, false)"
            ),
            3
        );
        assert_eq!(count("SELECT * FROM Customer WHERE Active = false"), 1);
        assert_eq!(
            count("SELECT * FROM Customer WHERE Id > '2' AND Active IN (true, false)"),
            1,
            "Ids compare as numbers: 10 > 2"
        );
        let q = parse("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'a@acme.test'").unwrap();
        assert_eq!(run(&q, &customers, utc()).0[0]["Id"], "1");
        let q =
            parse("SELECT * FROM Customer ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 1")
                .unwrap();
        let (page, total) = run(&q, &customers, utc());
        assert_eq!(
            (page.len(), total, page[0]["Id"].as_str()),
            (1, 2, Some("1"))
        );
    }

    #[test]
    fn times_compare_as_instants_whatever_their_offset() {
        let invoices = vec![
            json!({"Id": "1", "MetaData": {"LastUpdatedTime": "2026-10-01T10:00:00-07:00"}}),
            json!({"Id": "2", "MetaData": {"LastUpdatedTime": "2026-10-01T18:00:00-07:00"}}),
        ];
        let q = parse(
            "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime > '2026-10-01T20:00:00Z' ORDERBY MetaData.LastUpdatedTime DESC",
        )
        .unwrap();
        let (page, _) = run(&q, &invoices, utc());
        assert_eq!(page.len(), 1);
        assert_eq!(page[0]["Id"], "2", "18:00-07:00 is 01:00Z the next day");
    }
}

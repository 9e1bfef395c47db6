//! The query language subset real integrations use (quickbooks-api.md §4):
//! `SELECT * | COUNT(*) FROM <Entity> [WHERE a op v AND …] [ORDERBY f [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS n]`
//! with `=, <, >, <=, >=, IN, LIKE`. No OR, no joins, no unknown fields: those are parse errors, as in QuickBooks.

use serde_json::Value;
use std::cmp::Ordering;

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
const FIELDS: &[&str] = &[
    "Id",
    "DisplayName",
    "GivenName",
    "FamilyName",
    "CompanyName",
    "PrimaryEmailAddr",
    "Name",
    "Sku",
    "Active",
    "DocNumber",
    "CustomerRef",
    "TxnDate",
    "Balance",
    "TotalAmt",
    "Type",
    "MetaData.LastUpdatedTime",
    "MetaData.CreateTime",
];
pub const MAX_RESULTS: usize = 1000;
const DEFAULT_RESULTS: usize = 100;

#[derive(Debug, PartialEq)]
pub struct Query {
    pub count: bool,
    pub entity: String,
    pub conditions: Vec<Condition>,
    pub order_by: Option<(String, bool)>,
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
    Number(f64),
    Bool(bool),
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Symbol(String),
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
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
                    None => return Err("unterminated string literal".into()),
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
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = if two == "<=" || two == ">=" {
                two
            } else {
                c.to_string()
            };
            i += op.len();
            out.push(Token::Symbol(op));
        } else if "(),*".contains(c) {
            out.push(Token::Symbol(c.to_string()));
            i += 1;
        } else if c.is_alphanumeric() || c == '.' || c == '_' || c == '-' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || ".-_:+".contains(chars[i])) {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            return Err(format!("Encountered \" \"{c}\" \" at column {}", i + 1));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w.to_uppercase()),
            _ => None,
        }
    }

    fn keyword(&mut self, k: &str) -> bool {
        if self.peek_word().as_deref() == Some(k) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, k: &str) -> Result<(), String> {
        if self.keyword(k) {
            Ok(())
        } else {
            Err(format!("expected {k}"))
        }
    }

    fn symbol(&mut self, s: &str) -> bool {
        if self.tokens.get(self.at) == Some(&Token::Symbol(s.into())) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> Result<String, String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => {
                self.at += 1;
                Ok(w.clone())
            }
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    fn number(&mut self) -> Result<usize, String> {
        self.word()?
            .parse()
            .map_err(|_| "expected a number".to_string())
    }

    fn literal(&mut self) -> Result<Literal, String> {
        match self.tokens.get(self.at) {
            Some(Token::Text(t)) => {
                self.at += 1;
                Ok(Literal::Text(t.clone()))
            }
            Some(Token::Word(w)) => {
                self.at += 1;
                match w.to_lowercase().as_str() {
                    "true" => Ok(Literal::Bool(true)),
                    "false" => Ok(Literal::Bool(false)),
                    _ => w
                        .parse()
                        .map(Literal::Number)
                        .map_err(|_| format!("unexpected {w}")),
                }
            }
            other => Err(format!("expected a value, found {other:?}")),
        }
    }
}

pub fn parse(input: &str) -> Result<Query, String> {
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
        return Err("only SELECT * and SELECT COUNT(*) are supported".into());
    };
    p.expect_keyword("FROM")?;
    let entity = p.word()?;
    let entity = ENTITIES
        .iter()
        .find(|e| e.eq_ignore_ascii_case(&entity))
        .ok_or_else(|| format!("unknown entity {entity}"))?
        .to_string();
    let mut conditions = Vec::new();
    if p.keyword("WHERE") {
        loop {
            conditions.push(condition(&mut p)?);
            if !p.keyword("AND") {
                break;
            }
        }
    }
    let mut order_by = None;
    if p.keyword("ORDERBY") || (p.keyword("ORDER") && p.keyword("BY")) {
        let field = known_field(&p.word()?)?;
        let desc = p.keyword("DESC");
        if !desc {
            p.keyword("ASC");
        }
        order_by = Some((field, desc));
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
    if max > MAX_RESULTS {
        return Err(format!("MAXRESULTS {max} exceeds {MAX_RESULTS}"));
    }
    if p.at != p.tokens.len() {
        return Err(format!("unexpected {:?}", p.tokens[p.at]));
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

fn known_field(name: &str) -> Result<String, String> {
    FIELDS
        .iter()
        .find(|f| f.eq_ignore_ascii_case(name))
        .map(|f| f.to_string())
        .ok_or_else(|| format!("property '{name}' is not queryable"))
}

fn condition(p: &mut Parser) -> Result<Condition, String> {
    let field = known_field(&p.word()?)?;
    let op = if p.symbol("=") {
        Op::Eq
    } else if p.symbol("<=") {
        Op::Le
    } else if p.symbol(">=") {
        Op::Ge
    } else if p.symbol("<") {
        Op::Lt
    } else if p.symbol(">") {
        Op::Gt
    } else if p.keyword("LIKE") {
        Op::Like
    } else if p.keyword("IN") {
        Op::In
    } else {
        return Err(format!("unsupported operator after {field}"));
    };
    let values = if op == Op::In {
        if !p.symbol("(") {
            return Err("IN needs a list".into());
        }
        let mut values = vec![p.literal()?];
        while p.symbol(",") {
            values.push(p.literal()?);
        }
        if !p.symbol(")") {
            return Err("unclosed IN list".into());
        }
        values
    } else {
        vec![p.literal()?]
    };
    Ok(Condition { field, op, values })
}

/// The value a query field compares against: refs by `value`, e-mails by `Address`.
fn field_value<'a>(record: &'a Value, field: &str) -> Option<&'a Value> {
    let v = field.split('.').try_fold(record, |v, part| v.get(part))?;
    match v {
        Value::Object(o) => o.get("value").or_else(|| o.get("Address")),
        other => Some(other),
    }
}

fn compare(value: &Value, literal: &Literal) -> Option<Ordering> {
    match (value, literal) {
        (Value::Number(n), Literal::Number(l)) => n.as_f64()?.partial_cmp(l),
        (Value::Number(n), Literal::Text(l)) => n.as_f64()?.partial_cmp(&l.parse::<f64>().ok()?),
        (Value::String(s), Literal::Text(l)) => Some(s.as_str().cmp(l.as_str())),
        (Value::String(s), Literal::Number(l)) => s.parse::<f64>().ok()?.partial_cmp(l),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
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
    fn matches(&self, record: &Value) -> bool {
        let Some(value) = field_value(record, &self.field) else {
            return false;
        };
        let lit = &self.values[0];
        match self.op {
            Op::Eq => compare(value, lit) == Some(Ordering::Equal),
            Op::Lt => compare(value, lit) == Some(Ordering::Less),
            Op::Gt => compare(value, lit) == Some(Ordering::Greater),
            Op::Le => matches!(compare(value, lit), Some(Ordering::Less | Ordering::Equal)),
            Op::Ge => matches!(
                compare(value, lit),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Op::Like => like(value, lit),
            Op::In => self
                .values
                .iter()
                .any(|l| compare(value, l) == Some(Ordering::Equal)),
        }
    }
}

/// The records a query selects, in order, and the total before paging.
pub fn run<'a>(q: &Query, records: &'a [Value]) -> (Vec<&'a Value>, usize) {
    let filters_active = q.conditions.iter().any(|c| c.field == "Active");
    let hide_inactive = NAME_LISTS.contains(&q.entity.as_str()) && !filters_active;
    let mut hits: Vec<&Value> = records
        .iter()
        .filter(|r| !hide_inactive || r.get("Active").and_then(Value::as_bool) != Some(false))
        .filter(|r| q.conditions.iter().all(|c| c.matches(r)))
        .collect();
    if let Some((field, desc)) = &q.order_by {
        hits.sort_by(|a, b| {
            let ord = match (field_value(a, field), field_value(b, field)) {
                (Some(x), Some(y)) => cmp_values(x, y),
                _ => Ordering::Equal,
            };
            if *desc {
                ord.reverse()
            } else {
                ord
            }
        });
    }
    let total = hits.len();
    let page = hits.into_iter().skip(q.start - 1).take(q.max).collect();
    (page, total)
}

fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_supported_grammar() {
        let q = parse("select * from Customer where DisplayName LIKE '%acme%' AND Active IN (true, false) orderby DisplayName desc startposition 2 maxresults 5").unwrap();
        assert_eq!(q.entity, "Customer");
        assert_eq!(q.conditions.len(), 2);
        assert_eq!(q.order_by, Some(("DisplayName".into(), true)));
        assert_eq!((q.start, q.max), (2, 5));
        assert!(parse("SELECT COUNT(*) FROM Invoice").unwrap().count);
        assert_eq!(
            parse("SELECT * FROM Invoice WHERE DocNumber = 'O\\'Brien'")
                .unwrap()
                .conditions[0]
                .values,
            vec![Literal::Text("O'Brien".into())]
        );
    }

    #[test]
    fn refuses_what_quickbooks_refuses() {
        for bad in [
            "SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'",
            "SELECT DisplayName FROM Customer",
            "SELECT * FROM Widget",
            "SELECT * FROM Customer WHERE Shoe = 'x'",
            "SELECT * FROM Customer MAXRESULTS 1001",
            "SELECT * FROM Customer WHERE DisplayName = 'unterminated",
            "SELECT * FROM Customer, Invoice",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters_pages_and_hides_inactive_name_list_records() {
        let customers = vec![
            json!({"Id": "1", "DisplayName": "Acme Ltd", "Active": true, "PrimaryEmailAddr": {"Address": "a@acme.test"}}),
            json!({"Id": "2", "DisplayName": "Acme Ltd.", "Active": true}),
            json!({"Id": "3", "DisplayName": "Old Acme", "Active": false}),
        ];
        let q = parse("SELECT * FROM Customer WHERE DisplayName LIKE '%acme%'").unwrap();
        assert_eq!(run(&q, &customers).1, 2);
        let q = parse(
            "SELECT * FROM Customer WHERE DisplayName LIKE '%acme%' AND Active IN (true, false)",
        )
        .unwrap();
        assert_eq!(run(&q, &customers).1, 3);
        let q = parse("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'a@acme.test'").unwrap();
        assert_eq!(run(&q, &customers).0[0]["Id"], "1");
        let q =
            parse("SELECT * FROM Customer ORDERBY DisplayName DESC STARTPOSITION 2 MAXRESULTS 1")
                .unwrap();
        let (page, total) = run(&q, &customers);
        assert_eq!(
            (page.len(), total, page[0]["Id"].as_str()),
            (1, 2, Some("1"))
        );
    }
}

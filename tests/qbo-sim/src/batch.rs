//! Batch (quickbooks-api.md §7): items run in order, each answered in place under its `bId`, a fault
//! included, inside a 200. Writes take `operation` create | update | delete, and `optionsData: "void"`.

use crate::clock::Moment;
use crate::faults::Fault;
use crate::rules::Options;
use crate::state::Company;
use crate::writes::{perform, Operation};
use serde_json::{json, Value};

/// The most items a batch takes (the limits page's 30; quickbooks-api.md §7 lists the sources).
pub const MAX_ITEMS: usize = 30;

pub fn response(company: &mut Company, body: &str, at: &Moment) -> Result<Value, Fault> {
    let request = crate::wire::parse(body)
        .map_err(|e| Fault::invalid_body(format!("The batch is not JSON: {e}")))?;
    let items = request["BatchItemRequest"]
        .as_array()
        .ok_or_else(|| Fault::required("BatchItemRequest"))?;
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Fault::batch_size(items.len(), MAX_ITEMS));
    }
    let mut created = Vec::new();
    let mut answers = Vec::new();
    for item in items {
        // Items cannot see what earlier items created (quickbooks-api.md §7): hide it while one runs.
        let hidden = hide(company, &created);
        let result = run(company, item, at);
        restore(company, hidden);
        let mut answer = match result {
            Ok((answer, new)) => {
                created.extend(new);
                answer
            }
            Err(fault) => fault.body(),
        };
        answer["bId"] = item["bId"].clone();
        answers.push(answer);
    }
    Ok(json!({"BatchItemResponse": answers, "time": at.time()}))
}

/// Runs one item: a query or a write. Returns its answer and, for a create, what it created.
fn run(
    company: &mut Company,
    item: &Value,
    at: &Moment,
) -> Result<(Value, Option<(String, Value)>), Fault> {
    if let Some(statement) = item["Query"].as_str() {
        return Ok((crate::query::response(company, statement)?, None));
    }
    let entity = *crate::query::ENTITIES
        .iter()
        .find(|name| item.get(**name).is_some())
        .ok_or_else(|| Fault::invalid_body("A batch item needs Query or an entity"))?;
    let op = match (item["operation"].as_str(), item["optionsData"].as_str()) {
        (Some("create"), _) => Operation::Create,
        (Some("update"), Some("void")) => Operation::Void,
        (Some("update"), _) => Operation::Update,
        (Some("delete"), _) => Operation::Delete,
        (other, _) => {
            return Err(Fault::unsupported(format!(
                "batch operation {} is not supported",
                other.unwrap_or("(none)")
            )))
        }
    };
    let record = perform(
        company,
        entity,
        op,
        item[entity].clone(),
        at,
        Options::default(),
    )?;
    let created = (op == Operation::Create).then(|| (entity.to_string(), record["Id"].clone()));
    Ok((json!({ entity: record }), created))
}

/// Takes the records this batch created out of the company: (entity, position, record).
fn hide(company: &mut Company, created: &[(String, Value)]) -> Vec<(String, usize, Value)> {
    let mut hidden = Vec::new();
    for (entity, list) in company.seed.entities.iter_mut() {
        let mut at = 0;
        list.retain(|record| {
            let keep = !created
                .iter()
                .any(|(e, id)| e == entity && record["Id"] == *id);
            if !keep {
                hidden.push((entity.clone(), at, record.clone()));
            }
            at += 1;
            keep
        });
    }
    hidden
}

/// Puts hidden records back where they were.
fn restore(company: &mut Company, hidden: Vec<(String, usize, Value)>) {
    for (entity, at, record) in hidden {
        let list = company.seed.entities.entry(entity).or_default();
        list.insert(at.min(list.len()), record);
    }
}

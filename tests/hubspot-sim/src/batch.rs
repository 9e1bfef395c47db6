//! `POST /crm/v3/objects/{type}/batch/{read,create,update,upsert,archive}` (and the date-versioned path),
//! hubspot-api.md §5 Batch: at most 100 inputs; read and update by id or by an identifying `idProperty`,
//! upsert by a unique value (`id` = the value); a batch naming one record twice is refused whole with
//! HubSpot's "Duplicate IDs found in batch input: [...]. IDs must be unique". A failing input fails the
//! whole batch and nothing is written, unless the inputs carry `objectWriteTraceId`: then each stands alone
//! and each failure comes back in a 207's `errors` with its own category and message and
//! `context.objectWriteTraceId` (the error-handling page's multi-status example).

use crate::auth::Needs;
use crate::errors::{object_not_found, JsonBody, Refusal};
use crate::objects::{render, render_all};
use crate::request::{open, Params};
use crate::state::{Record, Sim};
use crate::uniqueness::open_index;
use crate::writes::{
    archive_record, check_archive, create_record, id_value, resolve, update_record, upsert_record,
};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sim_kit::Shared;

const BATCH_MAX: usize = 100;

pub async fn batch(
    State(sim): State<Shared<Sim>>,
    Path(p): Path<Params>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let op = p.get("op").map_or("", String::as_str);
    let write = match op {
        "read" => false,
        "create" | "update" | "upsert" | "archive" => true,
        _ => return crate::errors::not_found(),
    };
    let (mut sim, object) = match open(&sim, &p, &headers, |o| Needs::object(o, write)) {
        Ok(opened) => opened,
        Err(e) => return e,
    };
    let answered = inputs_of(&body).and_then(|inputs| {
        let batch = Batch {
            object,
            inputs,
            wanted: list(&body["properties"]),
        };
        match op {
            "read" => batch.read(&sim, body["idProperty"].as_str()),
            "archive" => batch.archive(&mut sim),
            _ => batch.write(&mut sim, op),
        }
    });
    answered.unwrap_or_else(IntoResponse::into_response)
}

fn inputs_of(body: &Value) -> Result<&[Value], Refusal> {
    let inputs = body["inputs"]
        .as_array()
        .ok_or_else(|| Refusal::validation("inputs is required"))?;
    if inputs.len() > BATCH_MAX {
        return Err(Refusal::validation(format!(
            "Batch input limit is {BATCH_MAX}; {} inputs were sent",
            inputs.len()
        )));
    }
    Ok(inputs)
}

fn list(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The ids (or unique values) named more than once, in the order they first repeat.
fn duplicates(inputs: &[Value]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut twice: Vec<String> = Vec::new();
    for input in inputs {
        let id = match &input["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !seen.insert(id.clone()) && !twice.contains(&id) {
            twice.push(id);
        }
    }
    twice
}

fn answer(sim: &Sim) -> Value {
    let now = sim.now();
    json!({"status": "COMPLETE", "startedAt": now, "completedAt": now})
}

struct Batch<'a> {
    object: &'static str,
    inputs: &'a [Value],
    /// The `properties` to answer with; every property the record holds when none are named.
    wanted: Vec<String>,
}

impl Batch<'_> {
    fn render_one(&self, sim: &Sim, id: u64) -> Value {
        match self.wanted.is_empty() {
            true => render_all(sim, self.object, id),
            false => render(
                sim,
                self.object,
                &sim.objects[self.object][&id],
                &self.wanted,
                &[],
            ),
        }
    }

    /// Found records, and the ids of the missing ones in a 207's `OBJECT_NOT_FOUND` error.
    fn read(&self, sim: &Sim, id_property: Option<&str>) -> Result<Response, Refusal> {
        let mut results = Vec::new();
        let mut missing = Vec::new();
        for input in self.inputs {
            let raw = input["id"].as_str().unwrap_or("");
            match resolve(sim, self.object, raw, id_property)?
                .filter(|id| sim.live(self.object, *id).is_some())
            {
                Some(id) => results.push(self.render_one(sim, id)),
                None => missing.push(raw.to_string()),
            }
        }
        let mut body = answer(sim);
        body["results"] = json!(results);
        if missing.is_empty() {
            return Ok(Json(body).into_response());
        }
        body["numErrors"] = json!(1);
        body["errors"] = json!([{"status": "error", "category": "OBJECT_NOT_FOUND",
            "message": format!("Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.", self.object),
            "context": {"ids": missing}}]);
        Ok((StatusCode::MULTI_STATUS, Json(body)).into_response())
    }

    /// Every named record to the recycle bin, or none of them when one may not go (invoices: drafts only).
    fn archive(&self, sim: &mut Sim) -> Result<Response, Refusal> {
        let ids: Vec<u64> = self.inputs.iter().map(|i| id_value(&i["id"])).collect();
        for id in &ids {
            check_archive(sim, self.object, *id)?;
        }
        for id in ids {
            archive_record(sim, self.object, id);
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    /// One input applied: the record id and the record as it was (`None`: created).
    fn apply(
        &self,
        sim: &mut Sim,
        op: &str,
        input: &Value,
    ) -> Result<(u64, Option<Record>), Refusal> {
        match op {
            "create" => create_record(sim, self.object, input).map(|id| (id, None)),
            "update" => {
                let raw = input["id"].as_str().unwrap_or("");
                let id = resolve(sim, self.object, raw, input["idProperty"].as_str())?
                    .ok_or_else(|| object_not_found(raw))?;
                update_record(sim, self.object, id, input).map(|was| (id, Some(was)))
            }
            _ => upsert_record(sim, self.object, input),
        }
    }

    fn write(&self, sim: &mut Sim, op: &str) -> Result<Response, Refusal> {
        let twice = duplicates(self.inputs);
        if op != "create" && !twice.is_empty() {
            return Err(Refusal::validation(format!(
                "Duplicate IDs found in batch input: [{}]. IDs must be unique",
                twice.join(", ")
            ))
            .with(json!({"context": {"ids": twice}})));
        }
        let traced = self
            .inputs
            .iter()
            .any(|i| i["objectWriteTraceId"].is_string());
        // Only this type's records and the associations a create appends can change: what each input
        // changed is kept, to be undone when a later one fails the batch.
        let associations = sim.associations.len();
        open_index(sim, self.object);
        let mut undo = Vec::new();
        let mut results = Vec::new();
        let mut errors = Vec::new();
        for input in self.inputs {
            match self.apply(sim, op, input) {
                Ok((id, was)) => {
                    let mut r = self.render_one(sim, id);
                    if op == "upsert" {
                        r["new"] = json!(was.is_none());
                    }
                    undo.push((id, was));
                    if let Some(trace) = input.get("objectWriteTraceId") {
                        r["objectWriteTraceId"] = trace.clone();
                    }
                    results.push(r);
                }
                Err(e) if traced => errors.push(json!({"status": "error",
                    "category": e.category, "message": e.message,
                    "context": {"objectWriteTraceId": [input["objectWriteTraceId"]]}})),
                Err(e) => {
                    let records = sim.objects.get_mut(self.object).expect("every type");
                    for (id, was) in undo.into_iter().rev() {
                        match was {
                            Some(record) => records.insert(id, record),
                            None => records.remove(&id),
                        };
                    }
                    sim.associations.truncate(associations);
                    sim.indexes.remove(self.object);
                    return Err(e);
                }
            }
        }
        let mut body = answer(sim);
        body["results"] = json!(results);
        let status = if !errors.is_empty() {
            body["numErrors"] = json!(errors.len());
            body["errors"] = json!(errors);
            StatusCode::MULTI_STATUS
        } else if op == "create" {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Ok((status, Json(body)).into_response())
    }
}

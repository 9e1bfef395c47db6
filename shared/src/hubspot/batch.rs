//! Batch writes of CRM records and associations (hubspot-api.md §5): at most 100 records or 2,000
//! associations a call. A batch answers 200 when every input was written, 207 when some failed; either way
//! each input comes back as written (with its HubSpot id) or failed (with HubSpot's reason), so one bad
//! record never costs the others.

use super::api::{check, garbled, HubSpotApi, HubSpotError};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Records per batch call.
pub const MAX_RECORDS: usize = 100;
/// Association pairs per batch create.
pub const MAX_ASSOCIATIONS: usize = 2000;

/// Property values to write, by property name.
pub type Properties = BTreeMap<String, String>;

/// One record to write: `key` names it in the outcome (the `idProperty` value of an upsert, the HubSpot id
/// of an update).
#[derive(Clone, Debug)]
pub struct Input {
    pub key: String,
    pub properties: Properties,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// `(key, HubSpot id)` of every input written.
    pub written: Vec<(String, String)>,
    /// `(key, HubSpot's reason)` of every input that was not.
    pub failed: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Written {
    id: String,
    #[serde(default)]
    properties: HashMap<String, Option<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchError {
    message: String,
    context: HashMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchAnswer {
    results: Vec<Written>,
    errors: Vec<BatchError>,
}

/// The trace id of input `i`: HubSpot names failed inputs by it in a 207 (hubspot-api.md §5).
fn trace(i: usize) -> String {
    format!("t{i}")
}

impl HubSpotApi<'_> {
    /// Creates or updates records by a unique property (`idProperty`): the value in each input's `key`.
    pub async fn batch_upsert(
        &self,
        object: &str,
        id_property: &str,
        inputs: &[Input],
    ) -> Result<Outcome, HubSpotError> {
        let body_of = |i: usize, input: &Input| {
            json!({
                "idProperty": id_property, "id": input.key,
                "objectWriteTraceId": trace(i), "properties": input.properties,
            })
        };
        self.write_batches(object, "upsert", inputs, body_of, |w| {
            w.properties.get(id_property).cloned().flatten()
        })
        .await
    }

    /// Updates records by HubSpot id (each input's `key`).
    pub async fn batch_update(
        &self,
        object: &str,
        inputs: &[Input],
    ) -> Result<Outcome, HubSpotError> {
        let body_of = |i: usize, input: &Input| json!({ "id": input.key, "objectWriteTraceId": trace(i), "properties": input.properties });
        self.write_batches(object, "update", inputs, body_of, |w| Some(w.id.clone()))
            .await
    }

    async fn write_batches(
        &self,
        object: &str,
        op: &str,
        inputs: &[Input],
        body_of: impl Fn(usize, &Input) -> Value,
        key_of: impl Fn(&Written) -> Option<String>,
    ) -> Result<Outcome, HubSpotError> {
        let path = format!("/crm/v3/objects/{object}/batch/{op}");
        let mut outcome = Outcome::default();
        for chunk in inputs.chunks(MAX_RECORDS) {
            let body = json!({
                "inputs": chunk.iter().enumerate().map(|(i, input)| body_of(i, input)).collect::<Vec<_>>()
            });
            let reply = self.call(Method::POST, &path, Some(&body)).await?;
            let answer: BatchAnswer = match reply.status.as_u16() {
                200 | 201 | 207 => {
                    serde_json::from_slice(&reply.body).map_err(|_| garbled(&reply))?
                }
                // A refusal of the whole batch (a 400 naming one input) fails each input with its reason.
                400 | 409 => {
                    let reason = check(&reply)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default();
                    outcome
                        .failed
                        .extend(chunk.iter().map(|i| (i.key.clone(), reason.clone())));
                    continue;
                }
                _ => {
                    check(&reply)?;
                    BatchAnswer::default()
                }
            };
            settle(chunk, answer, &key_of, &mut outcome);
        }
        Ok(outcome)
    }

    /// Archives records by HubSpot id (to the recycle bin, restorable for 90 days).
    pub async fn batch_archive(&self, object: &str, ids: &[String]) -> Result<(), HubSpotError> {
        let path = format!("/crm/v3/objects/{object}/batch/archive");
        for chunk in ids.chunks(MAX_RECORDS) {
            let body =
                json!({ "inputs": chunk.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() });
            let reply = self.call(Method::POST, &path, Some(&body)).await?;
            check(&reply)?;
        }
        Ok(())
    }

    /// The HubSpot ids of records whose unique property `id_property` has these values; values without a
    /// record are left out.
    pub async fn ids_by(
        &self,
        object: &str,
        id_property: &str,
        values: &[String],
    ) -> Result<HashMap<String, String>, HubSpotError> {
        let path = format!("/crm/v3/objects/{object}/batch/read");
        let mut found = HashMap::new();
        for chunk in values.chunks(MAX_RECORDS) {
            let body = json!({
                "idProperty": id_property, "properties": [id_property],
                "inputs": chunk.iter().map(|v| json!({ "id": v })).collect::<Vec<_>>(),
            });
            let reply = self.call(Method::POST, &path, Some(&body)).await?;
            if !matches!(reply.status.as_u16(), 200 | 207) {
                check(&reply)?;
            }
            // An unreadable answer is an error, never "no such records": those would be skipped and lost.
            let answer: BatchAnswer =
                serde_json::from_slice(&reply.body).map_err(|_| garbled(&reply))?;
            for w in answer.results {
                if let Some(Some(v)) = w.properties.get(id_property) {
                    found.insert(v.clone(), w.id);
                }
            }
        }
        Ok(found)
    }

    /// Associates each `(from id, to id)` pair with HubSpot's association type `type_id`. Returns the pairs
    /// HubSpot did not associate, each with its reason: a 207 names them (a record deleted or merged
    /// meanwhile), and the rest of the batch stands.
    pub async fn associate(
        &self,
        from: &str,
        to: &str,
        type_id: u32,
        pairs: &[(String, String)],
    ) -> Result<Vec<FailedPair>, HubSpotError> {
        let path = format!("/crm/v4/associations/{from}/{to}/batch/create");
        let mut failed = Vec::new();
        for chunk in pairs.chunks(MAX_ASSOCIATIONS) {
            let inputs: Vec<Value> = chunk
                .iter()
                .map(|(f, t)| {
                    json!({
                        "from": { "id": f }, "to": { "id": t },
                        "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id }],
                    })
                })
                .collect();
            let reply = self
                .call(Method::POST, &path, Some(&json!({ "inputs": inputs })))
                .await?;
            if reply.status.as_u16() != 207 {
                check(&reply)?;
                continue;
            }
            let answer: LinkAnswer =
                serde_json::from_slice(&reply.body).map_err(|_| garbled(&reply))?;
            failed.extend(unlinked(chunk, &answer));
        }
        Ok(failed)
    }

    /// Creates `properties` on `object` in our group, unless they exist (a second run, a reinstall).
    pub async fn ensure_properties(
        &self,
        object: &str,
        properties: &[Map<String, Value>],
    ) -> Result<(), HubSpotError> {
        let group = json!({ "name": super::api::PROPERTY_GROUP, "label": "QuickBooks", "displayOrder": -1 });
        self.create_unless_exists(&format!("/crm/v3/properties/{object}/groups"), &group)
            .await?;
        for p in properties {
            let mut body = p.clone();
            body.insert("groupName".into(), json!(super::api::PROPERTY_GROUP));
            self.create_unless_exists(
                &format!("/crm/v3/properties/{object}"),
                &Value::Object(body),
            )
            .await?;
        }
        Ok(())
    }
}

/// An association HubSpot did not make: `(from id, to id)` and HubSpot's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedPair {
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Linked {
    from_object_id: Value,
    to_object_id: Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkAnswer {
    results: Vec<Linked>,
    errors: Vec<BatchError>,
}

/// An id as HubSpot writes it in an answer: a string or a number.
fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The pairs of a 207 that were not associated: those the results leave out, each with the reason of the
/// error that names one of its ids (HubSpot's `context` lists the ids it found invalid), else the first.
fn unlinked(chunk: &[(String, String)], answer: &LinkAnswer) -> Vec<FailedPair> {
    let made: Vec<(String, String)> = answer
        .results
        .iter()
        .map(|l| (id_text(&l.from_object_id), id_text(&l.to_object_id)))
        .collect();
    let first = answer
        .errors
        .first()
        .map_or("HubSpot did not make this association", |e| {
            e.message.as_str()
        });
    chunk
        .iter()
        .filter(|pair| !made.contains(pair))
        .map(|(from, to)| {
            let names = |e: &&BatchError| {
                e.context
                    .values()
                    .flatten()
                    .any(|id| id == from || id == to)
            };
            let reason = answer
                .errors
                .iter()
                .find(names)
                .map_or(first, |e| e.message.as_str());
            FailedPair {
                from: from.clone(),
                to: to.clone(),
                reason: reason.to_string(),
            }
        })
        .collect()
}

/// Sorts one batch's answer into written and failed inputs. A failed input is named by its trace id in the
/// error's context; an input neither written nor named failed with the batch's first reason.
fn settle(
    chunk: &[Input],
    answer: BatchAnswer,
    key_of: &impl Fn(&Written) -> Option<String>,
    outcome: &mut Outcome,
) {
    let mut pending: Vec<Option<&Input>> = chunk.iter().map(Some).collect();
    for w in &answer.results {
        let Some(key) = key_of(w) else { continue };
        if let Some(slot) = pending.iter_mut().find(|s| s.is_some_and(|i| i.key == key)) {
            *slot = None;
            outcome.written.push((key, w.id.clone()));
        }
    }
    let mut first_reason = None;
    for e in &answer.errors {
        first_reason.get_or_insert_with(|| e.message.clone());
        for traced in e.context.values().flatten() {
            let position = (0..chunk.len()).find(|&i| trace(i) == *traced);
            if let Some(slot) = position.and_then(|i| pending.get_mut(i)) {
                if let Some(input) = slot.take() {
                    outcome.failed.push((input.key.clone(), e.message.clone()));
                }
            }
        }
    }
    let reason = first_reason.unwrap_or_else(|| "HubSpot did not write this record".into());
    for input in pending.into_iter().flatten() {
        outcome.failed.push((input.key.clone(), reason.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(key: &str) -> Input {
        Input {
            key: key.into(),
            properties: Properties::new(),
        }
    }

    #[test]
    fn a_207_keeps_the_written_and_names_the_failed() {
        let answer: BatchAnswer = serde_json::from_value(json!({
            "status": "COMPLETE",
            "results": [{"id": "101", "properties": {"qbo_item_key": "9:1"}},
                        {"id": "103", "properties": {"qbo_item_key": "9:3"}}],
            "errors": [{"status": "error", "category": "VALIDATION_ERROR",
                        "message": "Property values were not valid", "context": {"objectWriteTraceId": ["t1"]}}]
        }))
        .unwrap();
        let chunk = [input("9:1"), input("9:2"), input("9:3")];
        let mut outcome = Outcome::default();
        settle(
            &chunk,
            answer,
            &|w: &Written| w.properties.get("qbo_item_key").cloned().flatten(),
            &mut outcome,
        );
        assert_eq!(
            outcome.written,
            [("9:1".into(), "101".into()), ("9:3".into(), "103".into())]
        );
        assert_eq!(
            outcome.failed,
            [("9:2".into(), "Property values were not valid".into())]
        );
    }

    #[test]
    fn a_207_on_associations_names_the_pairs_not_made() {
        let answer: LinkAnswer = serde_json::from_value(json!({
            "status": "COMPLETE",
            "results": [{"fromObjectId": "501", "toObjectId": "401", "labels": []}],
            "numErrors": 1,
            "errors": [{"status": "error", "category": "VALIDATION_ERROR",
                        "message": "One or more associations are invalid",
                        "context": {"objectId": ["999"], "objectType": ["DEAL"]}}]
        }))
        .unwrap();
        let pairs = [
            ("501".to_string(), "401".to_string()),
            ("501".to_string(), "999".to_string()),
        ];
        assert_eq!(
            unlinked(&pairs, &answer),
            [FailedPair {
                from: "501".into(),
                to: "999".into(),
                reason: "One or more associations are invalid".into()
            }]
        );
    }

    #[test]
    fn an_input_the_answer_forgets_is_failed_not_lost() {
        let answer: BatchAnswer = serde_json::from_value(json!({"results": []})).unwrap();
        let mut outcome = Outcome::default();
        settle(
            &[input("a")],
            answer,
            &|w: &Written| Some(w.id.clone()),
            &mut outcome,
        );
        assert!(outcome.written.is_empty());
        assert_eq!(outcome.failed.len(), 1);
    }
}

//! What a workflow execution carries (hubspot-api.md §4), and the action's inputs read from it once, before
//! anything is read or written: a wrong input is reported without a call to QuickBooks or HubSpot.

use crate::documents::links::{Record, RecordType};
use crate::domain::due::{DaysUntilDue, InvalidDaysUntilDue};
use crate::quickbooks::entities::DocType;
use crate::AppError;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use thiserror::Error;

/// An execution request (hubspot-api.md §4).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub callback_id: String,
    pub origin: Origin,
    pub object: Enrolled,
    #[serde(default)]
    pub input_fields: HashMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    pub portal_id: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolled {
    /// A number in HubSpot's examples; accept a string too.
    pub object_id: Value,
    pub object_type: String,
}

/// The inputs of an action (W1, W6), as the action of its document type takes them.
#[derive(Debug, PartialEq)]
pub struct Inputs {
    /// The QuickBooks company (`realmId`).
    pub realm_id: String,
    /// The tax code for lines whose item has no default one (`taxCodeId`).
    pub tax_code: Option<String>,
    /// Invoices only (`daysUntilDue`).
    pub days_until_due: Option<DaysUntilDue>,
    /// Invoices only (`createPaid`): a paid invoice if the deal has payment information.
    pub create_paid: bool,
}

/// An input the action cannot run with; each has its own workflow code (codes.rs).
#[derive(Debug, Error, PartialEq)]
pub enum InputError {
    #[error("the action has no QuickBooks company chosen")]
    NoCompany,
    #[error(transparent)]
    DaysUntilDue(#[from] InvalidDaysUntilDue),
}

impl Execution {
    fn input(&self, name: &str) -> Option<String> {
        match self.input_fields.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The enrolled deal or quote.
    pub fn record(&self) -> Result<Record, AppError> {
        let id = match &self.object.object_id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let kind = match self.object.object_type.to_ascii_uppercase().as_str() {
            "DEAL" | "0-3" => RecordType::Deals,
            "QUOTE" | "0-14" => RecordType::Quotes,
            other => {
                return Err(AppError::BadRequest(format!(
                    "this action runs in deal- and quote-based workflows, not for {other}"
                )))
            }
        };
        Record::new(kind, &id)
    }

    /// The inputs of `doc_type`'s action; the other actions' inputs are ignored.
    pub fn inputs(&self, doc_type: DocType) -> Result<Inputs, InputError> {
        let invoice = doc_type == DocType::Invoice;
        let days_until_due = match (invoice, self.input("daysUntilDue")) {
            (true, Some(days)) => Some(DaysUntilDue::parse(&days)?),
            _ => None,
        };
        Ok(Inputs {
            realm_id: self.input("realmId").ok_or(InputError::NoCompany)?,
            tax_code: self.input("taxCodeId"),
            days_until_due,
            create_paid: invoice && self.input("createPaid").is_some_and(|v| v == "true"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn execution(object_type: &str, object_id: Value, inputs: Value) -> Execution {
        serde_json::from_value(json!({
            "callbackId": "ap-1", "origin": { "portalId": 1 },
            "object": { "objectId": object_id, "objectType": object_type },
            "inputFields": inputs,
        }))
        .unwrap()
    }

    #[test]
    fn an_invoice_takes_every_input_in_hubspots_shapes() {
        let run = execution(
            "DEAL",
            json!(401),
            json!({ "realmId": " 9130 ", "taxCodeId": 5, "daysUntilDue": "14.0", "createPaid": "true" }),
        );
        let inputs = run.inputs(DocType::Invoice).unwrap();
        assert_eq!(inputs.realm_id, "9130");
        assert_eq!(inputs.tax_code.as_deref(), Some("5"));
        assert_eq!(
            inputs.days_until_due,
            Some(DaysUntilDue::parse("14").unwrap())
        );
        assert!(inputs.create_paid);
        assert_eq!(
            run.record().unwrap(),
            Record::new(RecordType::Deals, "401").unwrap()
        );
    }

    #[test]
    fn other_documents_ignore_the_invoice_inputs() {
        let run = execution(
            "0-14",
            json!("77"),
            json!({ "realmId": "9130", "daysUntilDue": "soon", "createPaid": "true", "taxCodeId": "  " }),
        );
        let inputs = run.inputs(DocType::SalesReceipt).unwrap();
        assert_eq!(inputs.days_until_due, None);
        assert!(!inputs.create_paid);
        assert_eq!(inputs.tax_code, None, "a blank field is no input");
        assert_eq!(run.record().unwrap().object_type, RecordType::Quotes);
    }

    #[test]
    fn a_wrong_input_is_refused_days_until_due_first() {
        let run = execution("DEAL", json!(401), json!({ "daysUntilDue": "-1" }));
        assert!(matches!(
            run.inputs(DocType::Invoice),
            Err(InputError::DaysUntilDue(_))
        ));
        assert_eq!(run.inputs(DocType::Estimate), Err(InputError::NoCompany));
        let contact = execution("CONTACT", json!(201), json!({ "realmId": "9130" }));
        assert!(matches!(contact.record(), Err(AppError::BadRequest(_))));
    }
}

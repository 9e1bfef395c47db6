//! Reading an object's property definitions (hubspot-api.md §5 Properties): what the sync's mapping table
//! offers and what a saved mapping is checked against.

use super::api::{HubSpotApi, HubSpotError};
use reqwest::Method;
use serde::{Deserialize, Serialize};

/// One property as the settings page needs it. `read_only` is HubSpot's
/// `modificationMetadata.readOnlyValue` or `calculated`: a write to it is refused (`READ_ONLY_VALUE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyDef {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub field_type: String,
    pub read_only: bool,
    pub options: Vec<PropertyOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyOption {
    pub value: String,
    pub label: String,
}

#[derive(Deserialize)]
struct Results {
    results: Vec<Wire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    name: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    field_type: Option<String>,
    #[serde(default)]
    calculated: bool,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    modification_metadata: Option<Modification>,
    #[serde(default)]
    options: Vec<WireOption>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Modification {
    #[serde(default)]
    read_only_value: bool,
}

#[derive(Deserialize)]
struct WireOption {
    value: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    hidden: bool,
}

impl From<Wire> for PropertyDef {
    fn from(w: Wire) -> Self {
        let read_only = w.calculated || w.modification_metadata.is_some_and(|m| m.read_only_value);
        Self {
            label: w
                .label
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| w.name.clone()),
            field_type: w.field_type.unwrap_or_default(),
            options: w
                .options
                .into_iter()
                .filter(|o| !o.hidden)
                .map(|o| PropertyOption {
                    label: o.label.unwrap_or_else(|| o.value.clone()),
                    value: o.value,
                })
                .collect(),
            name: w.name,
            kind: w.kind,
            read_only,
        }
    }
}

impl HubSpotApi<'_> {
    /// Every live property of `object` (archived ones are left out: a write to one is refused).
    pub async fn properties(&self, object: &str) -> Result<Vec<PropertyDef>, HubSpotError> {
        let answer: Results = self
            .json(Method::GET, &format!("/crm/v3/properties/{object}"), None)
            .await?;
        Ok(answer
            .results
            .into_iter()
            .filter(|w| !w.archived)
            .map(PropertyDef::from)
            .collect())
    }
}

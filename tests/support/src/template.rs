//! Reads `template.yaml` so the local stack and the tests build exactly what SAM deploys: the table's keys,
//! index and TTL, the HTTP routes and the sync schedule. Nothing here repeats the schema by hand.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub struct Template {
    root: Value,
}

/// One `HttpApi` event of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    pub path: String,
    /// The function's `CodeUri`, e.g. `functions/invoice-card`.
    pub code_uri: String,
}

/// One schedule event of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub code_uri: String,
    /// `rate(15 minutes)` etc., with parameter references resolved to their defaults.
    pub expression: String,
}

/// The repository root (where `template.yaml` lives).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

impl Template {
    pub fn load_default() -> Result<Self, Error> {
        Self::load(&repo_root().join("template.yaml"))
    }

    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self {
            root: serde_yaml::from_str(&text)?,
        })
    }

    fn resources(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.root
            .get("Resources")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str()?, v)))
    }

    fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.resources()
            .filter(move |(_, r)| r.get("Type").and_then(Value::as_str) == Some(ty))
    }

    /// Resolves `!Ref Param` to the parameter's default; literals pass through.
    fn literal(&self, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Tagged(t) if t.tag == "!Ref" => {
                let name = t.value.as_str()?;
                let default = self.root.get("Parameters")?.get(name)?.get("Default")?;
                self.literal(default)
            }
            Value::Mapping(m) if m.len() == 1 => {
                let name = m.get("Ref")?.as_str()?;
                self.literal(self.root.get("Parameters")?.get(name)?.get("Default")?)
            }
            _ => None,
        }
    }

    /// The one DynamoDB table, as a `CreateTable` request on `client` under `name`, then its TTL setting.
    pub async fn create_table(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
    ) -> Result<(), Error> {
        let (_, table) = self
            .of_type("AWS::DynamoDB::Table")
            .next()
            .ok_or("template.yaml has no AWS::DynamoDB::Table")?;
        let props = table
            .get("Properties")
            .ok_or("the table has no Properties")?;
        let mut req = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest);
        for def in seq(props, "AttributeDefinitions")? {
            req = req.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(field(def, "AttributeName")?)
                    .attribute_type(ScalarAttributeType::from(
                        field(def, "AttributeType")?.as_str(),
                    ))
                    .build()?,
            );
        }
        req = req.set_key_schema(Some(key_schema(props)?));
        for gsi in props
            .get("GlobalSecondaryIndexes")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let projection = gsi
                .get("Projection")
                .and_then(|p| p.get("ProjectionType"))
                .and_then(Value::as_str)
                .unwrap_or("ALL");
            req = req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(field(gsi, "IndexName")?)
                    .set_key_schema(Some(key_schema(gsi)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(projection))
                            .build(),
                    )
                    .build()?,
            );
        }
        req.send().await.map_err(|e| {
            format!(
                "CreateTable {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(e)
            )
        })?;
        if let Some(ttl) = props.get("TimeToLiveSpecification") {
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(field(ttl, "AttributeName")?)
                        .enabled(true)
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "UpdateTimeToLive {name}: {}",
                        aws_sdk_dynamodb::error::DisplayErrorContext(e)
                    )
                })?;
        }
        Ok(())
    }

    /// Every `HttpApi` event of every function.
    pub fn http_routes(&self) -> Vec<Route> {
        self.function_events("HttpApi")
            .filter_map(|(code_uri, props)| {
                Some(Route {
                    method: self.literal(props.get("Method")?)?.to_uppercase(),
                    path: self.literal(props.get("Path")?)?,
                    code_uri,
                })
            })
            .collect()
    }

    /// Every `Schedule`/`ScheduleV2` event of every function.
    pub fn schedules(&self) -> Vec<Schedule> {
        ["Schedule", "ScheduleV2"]
            .into_iter()
            .flat_map(|kind| {
                self.function_events(kind)
                    .filter_map(|(code_uri, props)| {
                        let expr = props
                            .get("Schedule")
                            .or_else(|| props.get("ScheduleExpression"))?;
                        Some(Schedule {
                            code_uri,
                            expression: self.literal(expr)?,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn function_events<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (String, &'a Value)> + 'a {
        self.of_type("AWS::Serverless::Function")
            .flat_map(move |(_, f)| {
                let props = f.get("Properties");
                let code_uri = props
                    .and_then(|p| p.get("CodeUri"))
                    .and_then(Value::as_str)
                    .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
                    .unwrap_or_default();
                props
                    .and_then(|p| p.get("Events"))
                    .and_then(Value::as_mapping)
                    .into_iter()
                    .flatten()
                    .filter(move |(_, e)| e.get("Type").and_then(Value::as_str) == Some(kind))
                    .filter_map(move |(_, e)| Some((code_uri.clone(), e.get("Properties")?)))
            })
    }
}

fn seq<'a>(v: &'a Value, name: &str) -> Result<&'a Vec<Value>, Error> {
    v.get(name)
        .and_then(Value::as_sequence)
        .ok_or_else(|| format!("table property {name} is missing or not a list").into())
}

fn field(v: &Value, name: &str) -> Result<String, Error> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("{name} is missing or not a literal string").into())
}

fn key_schema(v: &Value) -> Result<Vec<KeySchemaElement>, Error> {
    seq(v, "KeySchema")?
        .iter()
        .map(|k| {
            Ok(KeySchemaElement::builder()
                .attribute_name(field(k, "AttributeName")?)
                .key_type(KeyType::from(field(k, "KeyType")?.as_str()))
                .build()?)
        })
        .collect()
}

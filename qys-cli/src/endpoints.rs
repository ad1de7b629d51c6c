//! `qys endpoints`: the paths qys has types for, from the catalogue of qys-proto.

use clap::Args;
use qys_proto::api::catalogue::catalogue;
use serde_json::{Value, json};

use crate::fail::Failure;
use crate::output::print_json;

/// `qys endpoints`.
#[derive(Debug, Args)]
pub(crate) struct EndpointsCommand {
    /// Only the endpoints whose path or type contains this text (case-insensitive).
    #[arg(value_name = "TEXT")]
    filter: Option<String>,
}

impl EndpointsCommand {
    /// Prints `[{method, path, shape, type, result}]`.
    pub(crate) fn run(&self) -> Result<(), Failure> {
        let filter = self.filter.as_deref().map(str::to_lowercase);
        let list: Vec<Value> = catalogue()
            .iter()
            .filter(|r| {
                filter.as_deref().is_none_or(|f| {
                    r.path.to_lowercase().contains(f) || r.type_name.to_lowercase().contains(f)
                })
            })
            .map(|r| {
                json!({
                    "method": r.method.as_str(),
                    "path": r.path,
                    "shape": format!("{:?}", r.shape).to_lowercase(),
                    "idempotent": r.idempotent,
                    "type": r.type_name,
                    "result": r.result_type,
                })
            })
            .collect();
        print_json(&list)
    }
}

//! ControllerRevision (apps/v1): written by the StatefulSet and DaemonSet controllers only.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::validation::field::FieldError;
pub use k8s_openapi::api::apps::v1::ControllerRevision;
use serde_json::Value;

impl KindDef for ControllerRevision {
    const PLURAL: &'static str = "controllerrevisions";
    const SHORT_NAMES: &'static [&'static str] = &[];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(_value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::cluster_written("ControllerRevision")
    }
    fn keep_status(&mut self, _live: &Self) {}
    fn set_defaults(&mut self) {}
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
    fn validate_update(&self, _old: &Self) -> Vec<FieldError> {
        self.validate()
    }
    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }
    crate::no_workload!();
    /// printControllerRevision.
    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "CONTROLLER", "REVISION", "AGE"]
    }
    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        let controller = self
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|r| r.controller == Some(true))
            .map(|r| {
                let group = r.api_version.split_once('/').map(|(g, _)| format!(".{g}")).unwrap_or_default();
                format!("{}{group}/{}", r.kind.to_ascii_lowercase(), r.name)
            })
            .unwrap_or_else(|| "<none>".into());
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            controller,
            self.revision.unwrap_or(0).to_string(),
            crate::kubectl::table::age(&self.metadata, v),
        ]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

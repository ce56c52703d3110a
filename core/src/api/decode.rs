//! Manifest JSON -> typed objects: the helpers kind modules decode with. `status` is a
//! subresource: the API server ignores it in what a user creates or applies, so for
//! kinds that have one only `metadata` and `spec` are decoded (status is kept from the
//! live object on update). Besides being what the server does, this keeps every status
//! type's decoder out of the browser bundle. Errors carry the field path where decoding
//! stopped.

use crate::api::decode_path::failing_path;
use crate::kinds::DecodeError;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// What a user writes of a kind with a status subresource.
#[derive(Deserialize)]
struct Shell<S> {
    #[serde(default)]
    metadata: ObjectMeta,
    spec: Option<S>,
}

pub fn join_path(prefix: &str, path: &str) -> String {
    if path.is_empty() {
        prefix.to_string()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}

/// Decodes the whole value as `T`.
pub fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, DecodeError> {
    T::deserialize(value).map_err(|e| (failing_path(value, &|v| T::deserialize(v).is_err()), e.to_string()))
}

/// Decodes `metadata` and `spec` only, and builds the object from them.
pub fn shell<S: DeserializeOwned, T>(
    value: &Value,
    build: impl FnOnce(ObjectMeta, Option<S>) -> T,
) -> Result<T, DecodeError> {
    let s: Shell<S> = typed(value)?;
    Ok(build(s.metadata, s.spec))
}

/// For kinds only the cluster writes (taking them from manifests would need their whole
/// decoders in the browser bundle).
pub fn cluster_written<T>(kind: &str) -> Result<T, DecodeError> {
    Err((
        String::new(),
        format!("{kind} objects are written by the cluster's components; kubeloop does not take them from manifests"),
    ))
}

//! Manifest JSON -> typed objects. `status` is a subresource: the API server ignores it
//! in what a user creates or applies, so for kinds that have one only `metadata` and
//! `spec` are decoded (status is kept from the live object on update). Besides being
//! what the server does, this keeps every status type's decoder out of the browser
//! bundle. Errors carry the field path where decoding stopped.

use super::object::{Kind, Object};
use crate::api::decode_path::failing_path;
use k8s_openapi::api::{apps, batch, core, policy};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// The status fields of a created Node that are kept (the rest is the simulated
/// kubelet's).
pub const NODE_STATUS_FIELDS: [&str; 2] = ["capacity", "allocatable"];

/// What a user writes of a kind with a status subresource.
#[derive(Deserialize)]
struct Shell<S> {
    #[serde(default)]
    metadata: ObjectMeta,
    spec: Option<S>,
}

type Decoded = Result<Object, (String, String)>;

type Resources = std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>;

fn join_path(prefix: &str, path: &str) -> String {
    if path.is_empty() {
        prefix.to_string()
    } else if path.starts_with('[') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}.{path}")
    }
}

fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    T::deserialize(value).map_err(|e| (failing_path(value, &|v| T::deserialize(v).is_err()), e.to_string()))
}

fn shell<S: DeserializeOwned>(value: &Value, build: impl FnOnce(ObjectMeta, Option<S>) -> Object) -> Decoded {
    let s: Shell<S> = typed(value)?;
    Ok(build(s.metadata, s.spec))
}

/// Whether the kind's `status` is a subresource (ignored on create and apply).
pub fn has_status(kind: Kind) -> bool {
    !matches!(
        kind,
        Kind::Event
            | Kind::ConfigMap
            | Kind::Secret
            | Kind::ServiceAccount
            | Kind::StorageClass
            | Kind::ControllerRevision
    )
}

/// Decodes a value already known to be of `kind`.
pub fn decode(kind: Kind, value: &Value) -> Decoded {
    match kind {
        Kind::Namespace => {
            shell(value, |metadata, spec| Object::Namespace(core::v1::Namespace { metadata, spec, status: None }))
        }
        // Upstream keeps the status of a created Node (kubelet registration sends one).
        Kind::Node => {
            let quantities = |field: &str| -> Result<Option<Resources>, (String, String)> {
                match value.get("status").and_then(|st| st.get(field)) {
                    Some(v) => typed(v).map_err(|(path, msg)| (join_path(&format!("status.{field}"), &path), msg)),
                    None => Ok(None),
                }
            };
            let (capacity, allocatable) = (quantities("capacity")?, quantities("allocatable")?);
            let status = (capacity.is_some() || allocatable.is_some()).then(|| core::v1::NodeStatus {
                capacity,
                allocatable,
                ..Default::default()
            });
            shell(value, |metadata, spec| Object::Node(core::v1::Node { metadata, spec, status }))
        }
        Kind::Pod => shell(value, |metadata, spec| Object::Pod(core::v1::Pod { metadata, spec, status: None })),
        Kind::Service => {
            shell(value, |metadata, spec| Object::Service(core::v1::Service { metadata, spec, status: None }))
        }
        Kind::PersistentVolumeClaim => shell(value, |metadata, spec| {
            Object::PersistentVolumeClaim(core::v1::PersistentVolumeClaim { metadata, spec, status: None })
        }),
        Kind::PersistentVolume => shell(value, |metadata, spec| {
            Object::PersistentVolume(core::v1::PersistentVolume { metadata, spec, status: None })
        }),
        Kind::Deployment => shell(value, |metadata, spec| {
            Object::Deployment(apps::v1::Deployment { metadata, spec: spec.unwrap_or_default(), status: None })
        }),
        Kind::ReplicaSet => shell(value, |metadata, spec| {
            Object::ReplicaSet(apps::v1::ReplicaSet { metadata, spec: spec.unwrap_or_default(), status: None })
        }),
        Kind::StatefulSet => shell(value, |metadata, spec| {
            Object::StatefulSet(apps::v1::StatefulSet { metadata, spec: spec.unwrap_or_default(), status: None })
        }),
        Kind::DaemonSet => shell(value, |metadata, spec| {
            Object::DaemonSet(apps::v1::DaemonSet { metadata, spec: spec.unwrap_or_default(), status: None })
        }),
        Kind::Job => shell(value, |metadata, spec| Object::Job(batch::v1::Job { metadata, spec, status: None })),
        Kind::CronJob => shell(value, |metadata, spec| {
            Object::CronJob(batch::v1::CronJob { metadata, spec: spec.unwrap_or_default(), status: None })
        }),
        Kind::PodDisruptionBudget => shell(value, |metadata, spec| {
            Object::PodDisruptionBudget(policy::v1::PodDisruptionBudget { metadata, spec, status: None })
        }),
        // Only the cluster writes these (the kubelet and controllers); taking them from
        // manifests would need their whole decoders in the browser bundle.
        Kind::Event | Kind::ControllerRevision => Err((
            String::new(),
            format!(
                "{} objects are written by the cluster's components; kubeloop does not take them from manifests",
                kind.name()
            ),
        )),
        Kind::ConfigMap => typed(value).map(Object::ConfigMap),
        Kind::Secret => typed(value).map(Object::Secret),
        Kind::ServiceAccount => typed(value).map(Object::ServiceAccount),
        Kind::StorageClass => typed(value).map(Object::StorageClass),
    }
}

/// Gives a decoded update the live object's status (a user cannot write it).
pub fn keep_status(decoded: &mut Object, live: &Object) {
    macro_rules! keep {
        ($($kind:ident),*) => {
            match (decoded, live) {
                $((Object::$kind(d), Object::$kind(l)) => d.status.clone_from(&l.status),)*
                _ => {}
            }
        };
    }
    keep!(
        Namespace,
        Node,
        Pod,
        Service,
        PersistentVolumeClaim,
        PersistentVolume,
        Deployment,
        ReplicaSet,
        StatefulSet,
        DaemonSet,
        Job,
        CronJob,
        PodDisruptionBudget
    );
}

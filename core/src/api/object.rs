//! The closed set of kinds kubeloop stores, each backed by its k8s-openapi type so that
//! every field a user writes round-trips and prints in Kubernetes JSON shape.

use k8s_openapi::api::{apps, batch, core, policy, storage};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::{Metadata, Resource};
use serde_json::Value;

macro_rules! kinds {
    ($($variant:ident => $ty:ty, plural $plural:literal, short [$($short:literal),*], namespaced $ns:literal;)*) => {
        /// A kind kubeloop knows, in the order `kubectl api-resources` would group them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        /// One stored object.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($variant($ty)),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// `Deployment`, as written in `kind:`.
            pub fn name(self) -> &'static str { match self { $(Kind::$variant => <$ty as Resource>::KIND),* } }
            /// `apps/v1`.
            pub fn api_version(self) -> &'static str { match self { $(Kind::$variant => <$ty as Resource>::API_VERSION),* } }
            /// `apps`, empty for the core group.
            pub fn group(self) -> &'static str { match self { $(Kind::$variant => <$ty as Resource>::GROUP),* } }
            /// `deployments`.
            pub fn plural(self) -> &'static str { match self { $(Kind::$variant => $plural),* } }
            /// kubectl's short names, e.g. `deploy`.
            pub fn short_names(self) -> &'static [&'static str] { match self { $(Kind::$variant => &[$($short),*]),* } }
            pub fn namespaced(self) -> bool { match self { $(Kind::$variant => $ns),* } }

            /// Decodes a JSON value already known to be of this kind (see `api::decode`).
            pub fn decode(self, value: Value) -> Result<Object, (String, String)> {
                crate::api::decode::decode(self, &value)
            }
        }

        impl Object {
            pub fn kind(&self) -> Kind { match self { $(Object::$variant(_) => Kind::$variant),* } }
            pub fn meta(&self) -> &ObjectMeta { match self { $(Object::$variant(o) => o.metadata()),* } }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta { match self { $(Object::$variant(o) => o.metadata_mut()),* } }
            /// Kubernetes JSON shape: apiVersion, kind, metadata, spec, status.
            pub fn to_json(&self) -> Value {
                match self { $(Object::$variant(o) => serde_json::to_value(o).unwrap_or(Value::Null)),* }
            }
        }
    };
}

kinds! {
    Namespace => core::v1::Namespace, plural "namespaces", short ["ns"], namespaced false;
    Node => core::v1::Node, plural "nodes", short ["no"], namespaced false;
    Pod => core::v1::Pod, plural "pods", short ["po"], namespaced true;
    Event => core::v1::Event, plural "events", short ["ev"], namespaced true;
    ConfigMap => core::v1::ConfigMap, plural "configmaps", short ["cm"], namespaced true;
    Secret => core::v1::Secret, plural "secrets", short [], namespaced true;
    Service => core::v1::Service, plural "services", short ["svc"], namespaced true;
    ServiceAccount => core::v1::ServiceAccount, plural "serviceaccounts", short ["sa"], namespaced true;
    PersistentVolumeClaim => core::v1::PersistentVolumeClaim, plural "persistentvolumeclaims", short ["pvc"], namespaced true;
    PersistentVolume => core::v1::PersistentVolume, plural "persistentvolumes", short ["pv"], namespaced false;
    StorageClass => storage::v1::StorageClass, plural "storageclasses", short ["sc"], namespaced false;
    Deployment => apps::v1::Deployment, plural "deployments", short ["deploy"], namespaced true;
    ReplicaSet => apps::v1::ReplicaSet, plural "replicasets", short ["rs"], namespaced true;
    StatefulSet => apps::v1::StatefulSet, plural "statefulsets", short ["sts"], namespaced true;
    DaemonSet => apps::v1::DaemonSet, plural "daemonsets", short ["ds"], namespaced true;
    ControllerRevision => apps::v1::ControllerRevision, plural "controllerrevisions", short [], namespaced true;
    Job => batch::v1::Job, plural "jobs", short [], namespaced true;
    CronJob => batch::v1::CronJob, plural "cronjobs", short ["cj"], namespaced true;
    PodDisruptionBudget => policy::v1::PodDisruptionBudget, plural "poddisruptionbudgets", short ["pdb"], namespaced true;
}

impl Kind {
    /// Finds a kind by what a manifest says in `apiVersion` and `kind`.
    pub fn from_type(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.api_version() == api_version && k.name() == kind)
    }

    /// Finds a kind by anything kubectl accepts on the command line: `deploy`,
    /// `deployment`, `deployments`, `deployments.apps`, `Deployment`.
    pub fn from_arg(arg: &str) -> Option<Kind> {
        let lower = arg.to_ascii_lowercase();
        let (base, group) = match lower.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (lower, None),
        };
        Kind::ALL.iter().copied().find(|k| {
            let group_ok = group.as_deref().is_none_or(|g| g == k.group() || (g == "v1" && k.group().is_empty()));
            group_ok
                && (base == k.plural()
                    || base == k.name().to_ascii_lowercase()
                    || k.short_names().contains(&base.as_str()))
        })
    }

    /// `deployment.apps`, the form kubectl prints before `/name`.
    pub fn resource_singular(self) -> String {
        qualified(&self.name().to_ascii_lowercase(), self.group())
    }

    /// `deployments.apps`, the form the API server names in errors.
    pub fn resource_plural(self) -> String {
        qualified(self.plural(), self.group())
    }
}

fn qualified(name: &str, group: &str) -> String {
    if group.is_empty() {
        name.to_string()
    } else {
        format!("{name}.{group}")
    }
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or("")
    }
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }
    pub fn uid(&self) -> &str {
        self.meta().uid.as_deref().unwrap_or("")
    }
    pub fn key(&self) -> ObjKey {
        ObjKey::new(self.kind(), self.namespace(), self.name())
    }
    pub fn labels(&self) -> Option<&std::collections::BTreeMap<String, String>> {
        self.meta().labels.as_ref()
    }
    /// The ownerReference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference> {
        self.meta().owner_references.as_ref()?.iter().find(|r| r.controller == Some(true))
    }
    pub fn is_deleting(&self) -> bool {
        self.meta().deletion_timestamp.is_some()
    }
    /// Everything but metadata and status: what a change of bumps `generation`.
    pub fn spec_json(&self) -> Value {
        let mut v = self.to_json();
        if let Value::Object(m) = &mut v {
            m.remove("metadata");
            m.remove("status");
        }
        v
    }
}

/// Where an object lives: kind, namespace (empty when cluster-scoped) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        ObjKey { kind, namespace: namespace.to_string(), name: name.to_string() }
    }
}

impl std::fmt::Display for ObjKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind.name(), self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind.name(), self.namespace, self.name)
        }
    }
}

macro_rules! accessors {
    ($($fn_ref:ident, $fn_mut:ident, $variant:ident => $ty:ty;)*) => {
        impl Object {
            $(
            pub fn $fn_ref(&self) -> Option<&$ty> { if let Object::$variant(o) = self { Some(o) } else { None } }
            pub fn $fn_mut(&mut self) -> Option<&mut $ty> { if let Object::$variant(o) = self { Some(o) } else { None } }
            )*
        }
    };
}

accessors! {
    as_pod, as_pod_mut, Pod => core::v1::Pod;
    as_node, as_node_mut, Node => core::v1::Node;
    as_deployment, as_deployment_mut, Deployment => apps::v1::Deployment;
    as_replica_set, as_replica_set_mut, ReplicaSet => apps::v1::ReplicaSet;
    as_event, as_event_mut, Event => core::v1::Event;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_resource_arguments_resolve() {
        assert_eq!(Kind::from_arg("deploy"), Some(Kind::Deployment));
        assert_eq!(Kind::from_arg("deployments.apps"), Some(Kind::Deployment));
        assert_eq!(Kind::from_arg("rs"), Some(Kind::ReplicaSet));
        assert_eq!(Kind::from_arg("pods"), Some(Kind::Pod));
        assert_eq!(Kind::from_arg("po"), Some(Kind::Pod));
        assert_eq!(Kind::from_arg("Node"), Some(Kind::Node));
        assert_eq!(Kind::from_arg("widgets"), None);
        assert_eq!(Kind::Deployment.resource_singular(), "deployment.apps");
        assert_eq!(Kind::Pod.resource_plural(), "pods");
    }
}

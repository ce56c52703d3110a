//! The kinds table. Everything that differs between kinds lives in that kind's module,
//! behind [`KindDef`]: names, decoding, defaulting, the API strategy (status subresource,
//! generation, create-time preparation), validation, accessors, `get` columns,
//! `describe`, and how the graph draws it. The trait has no default methods, so a kind
//! that lacks a piece does not compile; adding a kind is one module plus one line in
//! the `kinds!` table below.

pub mod configmap;
pub mod controllerrevision;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod endpointslice;
pub mod event;
pub mod job;
pub mod namespace;
pub mod node;
pub mod persistentvolume;
pub mod persistentvolumeclaim;
pub mod pod;
pub mod poddisruptionbudget;
pub mod replicaset;
pub mod secret;
pub mod service;
pub mod serviceaccount;
pub mod statefulset;
pub mod storageclass;

use crate::graph::EdgeKind;
use crate::kubectl::describe::Writer;
use crate::store::Store;
use crate::validation::field::FieldError;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::{Metadata, Resource};
use serde_json::Value;

/// A decoding failure: the field path where it stopped, and serde's message.
pub type DecodeError = (String, String);

/// What kind modules read besides the object itself: the store and the virtual instant.
pub struct View<'a> {
    pub store: &'a Store,
    pub now_ms: i64,
}

impl<'a> View<'a> {
    pub fn new(store: &'a Store) -> Self {
        View { store, now_ms: store.clock.now_ms }
    }
}

/// Where a kind is drawn: its column and the badge on its card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphPlace {
    pub column: usize,
    pub badge: &'static str,
}

/// What the graph shows of one object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLook {
    /// Short lines under the name.
    pub details: Vec<String>,
    /// The STATUS kubectl would print, where the kind has one worth colouring.
    pub status: Option<String>,
    /// Pods: `status.phase`.
    pub phase: Option<String>,
    /// Ready (pods), all replicas ready (workloads), node Ready.
    pub ready: Option<bool>,
    /// Edges besides ownership, to objects found by key.
    pub links: Vec<(crate::api::ObjKey, EdgeKind)>,
    /// Scaled to nothing: folded into its owner's history node when history is folded.
    pub history: bool,
}

/// Server-side allocators a create may draw from (the ClusterIP range, ...).
#[derive(Clone, Debug, Default)]
pub struct Allocators {
    /// ClusterIPs handed out so far.
    pub service_ips: u32,
}

/// Everything kind-specific. See the module docs: no method has a default.
pub trait KindDef: Resource + Metadata<Ty = ObjectMeta> + Clone + PartialEq + serde::Serialize + Sized {
    /// `deployments`.
    const PLURAL: &'static str;
    /// kubectl's short names, e.g. `deploy`.
    const SHORT_NAMES: &'static [&'static str];
    const NAMESPACED: bool;
    /// `status` is a subresource: ignored in what users create or apply.
    const STATUS_SUBRESOURCE: bool;
    /// The API strategy sets `metadata.generation`.
    const GENERATION: bool;
    /// The graph column, or None when the graph does not draw the kind.
    const GRAPH: Option<GraphPlace>;
    /// The API server's deprecation warning for this version, which kubectl prints.
    const DEPRECATED: Option<&'static str>;

    /// Decodes manifest JSON already known to be of this kind.
    fn decode(value: &Value) -> Result<Self, DecodeError>;
    /// Gives an update the live object's status (users cannot write it).
    fn keep_status(&mut self, live: &Self);
    /// API-server defaulting (pkg/apis/*/v1/defaults.go).
    fn set_defaults(&mut self);
    /// The strategy's PrepareForCreate: fields the server sets on a new object.
    fn prepare_for_create(&mut self);
    /// The registry's allocations on create (ClusterIPs); not run in a dry run.
    fn allocate(&mut self, alloc: &mut Allocators);
    /// The kind's validation on create (metadata is validated for every kind).
    fn validate(&self) -> Vec<FieldError>;
    /// The kind's validation on update (immutable fields, then the spec rules).
    fn validate_update(&self, old: &Self) -> Vec<FieldError>;
    /// Past `Limits::max_events`, the oldest expire (the API server's event TTL, as a
    /// count). Such objects are records nothing refers to: they do not count toward the
    /// object limit, and the store keeps no uid index for them.
    const EXPIRES: bool;
    /// The strategy's CheckGracefulDelete: the grace period a delete asking for
    /// `requested` seconds gets; 0 removes the object at once (finalizers aside).
    fn delete_grace(&self, requested: Option<i64>) -> i64;
    /// Deletion waits for something besides metadata.finalizers (a Namespace's
    /// spec.finalizers).
    fn deletion_held(&self) -> bool;
    /// What the registry changes on the object when its deletion starts (a Namespace
    /// turns Terminating).
    fn begin_deletion(&mut self);
    /// Whether this write bumps `generation`. `main_resource` is false for the writes
    /// controllers make through the status subresource (which keeps annotations apart).
    fn bumps_generation(&self, old: &Self, main_resource: bool) -> bool;
    /// The pod template of a workload.
    fn pod_template(&self) -> Option<&PodTemplateSpec>;
    fn pod_template_mut(&mut self) -> Option<&mut PodTemplateSpec>;
    /// The label selector of a workload or budget.
    fn selector(&self) -> Option<&LabelSelector>;
    /// The scale subresource: desired replicas.
    fn replicas(&self) -> Option<i32>;
    /// Sets desired replicas; false when the kind has no scale subresource.
    fn set_replicas(&mut self, replicas: i32) -> bool;
    /// `kubectl get` column headers (`-o wide` included when `wide`).
    fn columns(wide: bool) -> Vec<&'static str>;
    /// One `kubectl get` row, NAME first.
    fn row(&self, v: &View, wide: bool) -> Vec<String>;
    /// `kubectl describe`.
    fn describe(&self, v: &View, w: &mut Writer);
    /// The graph card: a function of the object and of what links to it (a node counts
    /// its pods), not of the clock, as the graph looks again only at what was written.
    fn graph(&self, v: &View) -> GraphLook;
}

macro_rules! kinds {
    ($($variant:ident => $module:ident :: $ty:ident;)*) => {
        /// A kind kubeloop knows, in the order `kubectl api-resources` would group them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        /// One stored object. Boxed: the kinds differ in size by kilobytes, and an
        /// Event should not take a StatefulSet's room.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object { $($variant(Box<$module::$ty>)),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// `Deployment`, as written in `kind:`.
            pub fn name(self) -> &'static str { match self { $(Kind::$variant => <$module::$ty as Resource>::KIND),* } }
            /// `apps/v1`.
            pub fn api_version(self) -> &'static str { match self { $(Kind::$variant => <$module::$ty as Resource>::API_VERSION),* } }
            /// `apps`, empty for the core group.
            pub fn group(self) -> &'static str { match self { $(Kind::$variant => <$module::$ty as Resource>::GROUP),* } }
            pub fn plural(self) -> &'static str { match self { $(Kind::$variant => <$module::$ty as KindDef>::PLURAL),* } }
            pub fn short_names(self) -> &'static [&'static str] { match self { $(Kind::$variant => <$module::$ty as KindDef>::SHORT_NAMES),* } }
            pub fn namespaced(self) -> bool { match self { $(Kind::$variant => <$module::$ty as KindDef>::NAMESPACED),* } }
            pub fn status_subresource(self) -> bool { match self { $(Kind::$variant => <$module::$ty as KindDef>::STATUS_SUBRESOURCE),* } }
            pub fn has_generation(self) -> bool { match self { $(Kind::$variant => <$module::$ty as KindDef>::GENERATION),* } }
            pub fn expires(self) -> bool { match self { $(Kind::$variant => <$module::$ty as KindDef>::EXPIRES),* } }
            pub fn deprecated(self) -> Option<&'static str> { match self { $(Kind::$variant => <$module::$ty as KindDef>::DEPRECATED),* } }
            pub fn graph_place(self) -> Option<GraphPlace> { match self { $(Kind::$variant => <$module::$ty as KindDef>::GRAPH),* } }
            pub fn columns(self, wide: bool) -> Vec<&'static str> { match self { $(Kind::$variant => <$module::$ty as KindDef>::columns(wide)),* } }
            /// Decodes a JSON value already known to be of this kind.
            pub fn decode(self, value: &Value) -> Result<Object, DecodeError> {
                match self { $(Kind::$variant => <$module::$ty as KindDef>::decode(value).map(|o| Object::$variant(Box::new(o)))),* }
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
            pub fn set_defaults(&mut self) { match self { $(Object::$variant(o) => o.set_defaults()),* } }
            pub fn prepare_for_create(&mut self) { match self { $(Object::$variant(o) => o.prepare_for_create()),* } }
            pub fn allocate(&mut self, alloc: &mut Allocators) { match self { $(Object::$variant(o) => o.allocate(alloc)),* } }
            /// The kind's own create validation (see `validation::validate_create`).
            pub fn validate_kind(&self) -> Vec<FieldError> { match self { $(Object::$variant(o) => o.validate()),* } }
            pub fn pod_template(&self) -> Option<&PodTemplateSpec> { match self { $(Object::$variant(o) => o.pod_template()),* } }
            pub fn pod_template_mut(&mut self) -> Option<&mut PodTemplateSpec> { match self { $(Object::$variant(o) => o.pod_template_mut()),* } }
            pub fn selector(&self) -> Option<&LabelSelector> { match self { $(Object::$variant(o) => o.selector()),* } }
            pub fn replicas(&self) -> Option<i32> { match self { $(Object::$variant(o) => o.replicas()),* } }
            pub fn set_replicas(&mut self, replicas: i32) -> bool { match self { $(Object::$variant(o) => o.set_replicas(replicas)),* } }
            pub fn row(&self, v: &View, wide: bool) -> Vec<String> { match self { $(Object::$variant(o) => o.row(v, wide)),* } }
            pub fn describe(&self, v: &View, w: &mut Writer) { match self { $(Object::$variant(o) => o.describe(v, w)),* } }
            pub fn graph(&self, v: &View) -> GraphLook { match self { $(Object::$variant(o) => o.graph(v)),* } }
            pub fn delete_grace(&self, requested: Option<i64>) -> i64 { match self { $(Object::$variant(o) => o.delete_grace(requested)),* } }
            pub fn deletion_held(&self) -> bool { match self { $(Object::$variant(o) => o.deletion_held()),* } }
            pub fn begin_deletion(&mut self) { match self { $(Object::$variant(o) => o.begin_deletion()),* } }

            /// The kind's update validation; objects of two kinds never meet here.
            pub fn validate_kind_update(&self, old: &Object) -> Vec<FieldError> {
                match (self, old) {
                    $((Object::$variant(n), Object::$variant(o)) => n.validate_update(o),)*
                    _ => vec![FieldError::invalid("kind", self.kind().name(), "may not be changed")],
                }
            }
            /// Whether writing `self` over `old` bumps `generation`.
            pub fn bumps_generation(&self, old: &Object, main_resource: bool) -> bool {
                match (self, old) {
                    $((Object::$variant(n), Object::$variant(o)) => n.bumps_generation(o, main_resource),)*
                    _ => true,
                }
            }
            /// Gives `self` the status of `live`.
            pub fn keep_status(&mut self, live: &Object) {
                match (self, live) {
                    $((Object::$variant(n), Object::$variant(o)) => n.keep_status(o),)*
                    _ => {}
                }
            }
        }
    };
}

kinds! {
    Namespace => namespace::Namespace;
    Node => node::Node;
    Pod => pod::Pod;
    Event => event::Event;
    ConfigMap => configmap::ConfigMap;
    Secret => secret::Secret;
    Service => service::Service;
    Endpoints => endpoints::Endpoints;
    ServiceAccount => serviceaccount::ServiceAccount;
    PersistentVolumeClaim => persistentvolumeclaim::PersistentVolumeClaim;
    PersistentVolume => persistentvolume::PersistentVolume;
    StorageClass => storageclass::StorageClass;
    EndpointSlice => endpointslice::EndpointSlice;
    Deployment => deployment::Deployment;
    ReplicaSet => replicaset::ReplicaSet;
    StatefulSet => statefulset::StatefulSet;
    DaemonSet => daemonset::DaemonSet;
    ControllerRevision => controllerrevision::ControllerRevision;
    Job => job::Job;
    CronJob => cronjob::CronJob;
    PodDisruptionBudget => poddisruptionbudget::PodDisruptionBudget;
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
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.meta().owner_references.as_ref()?.iter().find(|r| r.controller == Some(true))
    }
    pub fn is_deleting(&self) -> bool {
        self.meta().deletion_timestamp.is_some()
    }
}

/// Where an object lives: kind, namespace (empty when cluster-scoped) and name. Also
/// the typed key controllers queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjKey {
    pub kind: Kind,
    /// Shared, so the copies in indexes, queues and timers cost a count, not a string.
    pub namespace: std::rc::Rc<str>,
    pub name: std::rc::Rc<str>,
}

impl ObjKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        ObjKey { kind, namespace: shared_namespace(namespace), name: name.into() }
    }

    /// The key as borrowed parts, for lookups that allocate nothing.
    pub fn as_ref(&self) -> KeyRef<'_> {
        KeyRef { kind: self.kind, namespace: &self.namespace, name: &self.name }
    }
}

thread_local! {
    /// The namespaces keys were made for: a cluster has a handful, and every key in one
    /// shares its string instead of a copy each.
    static NAMESPACES: std::cell::RefCell<Vec<std::rc::Rc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The shared string of a namespace (a short list: a cluster has few; past 64 distinct
/// ones, keys get their own copies).
fn shared_namespace(namespace: &str) -> std::rc::Rc<str> {
    NAMESPACES.with(|known| {
        let mut known = known.borrow_mut();
        if let Some(ns) = known.iter().find(|ns| &***ns == namespace) {
            return ns.clone();
        }
        let ns: std::rc::Rc<str> = namespace.into();
        if known.len() < 64 {
            known.push(ns.clone());
        }
        ns
    })
}

/// An [`ObjKey`] made of borrowed parts: maps keyed by `ObjKey` are searched with it
/// (through `dyn Keyed`) without building a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyRef<'a> {
    pub kind: Kind,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl<'a> KeyRef<'a> {
    pub fn new(kind: Kind, namespace: &'a str, name: &'a str) -> Self {
        KeyRef { kind, namespace, name }
    }

    /// As the borrowed form of `ObjKey`, for `BTreeMap<ObjKey, _>::get` and `range`.
    pub fn dyn_key(&self) -> &(dyn Keyed + 'a) {
        self
    }
}

/// What `ObjKey` and `KeyRef` share: the parts that order them.
pub trait Keyed {
    fn parts(&self) -> KeyRef<'_>;
}

impl Keyed for ObjKey {
    fn parts(&self) -> KeyRef<'_> {
        self.as_ref()
    }
}

impl Keyed for KeyRef<'_> {
    fn parts(&self) -> KeyRef<'_> {
        *self
    }
}

impl<'a> std::borrow::Borrow<dyn Keyed + 'a> for ObjKey {
    fn borrow(&self) -> &(dyn Keyed + 'a) {
        self
    }
}

impl PartialEq for dyn Keyed + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn Keyed + '_ {}

// Ordered as its parts are (as `KeyRef`), with a shortcut for the shared namespace.
impl Ord for ObjKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.kind
            .cmp(&other.kind)
            .then_with(|| {
                if std::rc::Rc::ptr_eq(&self.namespace, &other.namespace) {
                    std::cmp::Ordering::Equal
                } else {
                    self.namespace.cmp(&other.namespace)
                }
            })
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl PartialOrd for ObjKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

// ObjKey and its borrowed form hash alike (as their KeyRef), as `HashMap::get` needs.
impl std::hash::Hash for ObjKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_ref().hash(state)
    }
}

impl std::hash::Hash for dyn Keyed + '_ {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state)
    }
}

impl PartialOrd for dyn Keyed + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn Keyed + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
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
            pub fn $fn_ref(&self) -> Option<&$ty> { if let Object::$variant(o) = self { Some(&**o) } else { None } }
            pub fn $fn_mut(&mut self) -> Option<&mut $ty> { if let Object::$variant(o) = self { Some(&mut **o) } else { None } }
            )*
        }
    };
}

accessors! {
    as_pod, as_pod_mut, Pod => pod::Pod;
    as_node, as_node_mut, Node => node::Node;
    as_deployment, as_deployment_mut, Deployment => deployment::Deployment;
    as_replica_set, as_replica_set_mut, ReplicaSet => replicaset::ReplicaSet;
    as_event, as_event_mut, Event => event::Event;
    as_service, as_service_mut, Service => service::Service;
    as_endpoints, as_endpoints_mut, Endpoints => endpoints::Endpoints;
    as_endpoint_slice, as_endpoint_slice_mut, EndpointSlice => endpointslice::EndpointSlice;
    as_stateful_set, as_stateful_set_mut, StatefulSet => statefulset::StatefulSet;
    as_controller_revision, as_controller_revision_mut, ControllerRevision => controllerrevision::ControllerRevision;
    as_pvc, as_pvc_mut, PersistentVolumeClaim => persistentvolumeclaim::PersistentVolumeClaim;
    as_pv, as_pv_mut, PersistentVolume => persistentvolume::PersistentVolume;
    as_storage_class, as_storage_class_mut, StorageClass => storageclass::StorageClass;
}

/// Our own type standing in for an API type (a compact Pod or Event): it takes the API
/// type's names, and keeps its metadata in a `metadata` field as the API types do.
#[macro_export]
macro_rules! stands_for {
    ($ty:ty, $api:ty) => {
        impl k8s_openapi::Resource for $ty {
            const API_VERSION: &'static str = <$api as k8s_openapi::Resource>::API_VERSION;
            const GROUP: &'static str = <$api as k8s_openapi::Resource>::GROUP;
            const KIND: &'static str = <$api as k8s_openapi::Resource>::KIND;
            const VERSION: &'static str = <$api as k8s_openapi::Resource>::VERSION;
            const URL_PATH_SEGMENT: &'static str = <$api as k8s_openapi::Resource>::URL_PATH_SEGMENT;
            type Scope = <$api as k8s_openapi::Resource>::Scope;
        }

        impl k8s_openapi::Metadata for $ty {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }
    };
}

/// The pieces kinds without a workload shape write the same way: no template, no
/// selector, no scale subresource. Each kind still says so explicitly.
#[macro_export]
macro_rules! no_workload {
    () => {
        fn pod_template(&self) -> Option<&k8s_openapi::api::core::v1::PodTemplateSpec> {
            None
        }
        fn pod_template_mut(&mut self) -> Option<&mut k8s_openapi::api::core::v1::PodTemplateSpec> {
            None
        }
        fn selector(&self) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> {
            None
        }
        fn replicas(&self) -> Option<i32> {
            None
        }
        fn set_replicas(&mut self, _replicas: i32) -> bool {
            false
        }
    };
}

/// Deletion as most kinds have it: at once (or when the finalizers are gone), nothing
/// else to wait for, no expiry. Each kind still says so explicitly.
#[macro_export]
macro_rules! plain_deletion {
    () => {
        const EXPIRES: bool = false;
        fn delete_grace(&self, _requested: Option<i64>) -> i64 {
            0
        }
        fn deletion_held(&self) -> bool {
            false
        }
        fn begin_deletion(&mut self) {}
    };
}

/// A kind the graph does not draw.
#[macro_export]
macro_rules! not_drawn {
    () => {
        fn graph(&self, _v: &$crate::kinds::View) -> $crate::kinds::GraphLook {
            $crate::kinds::GraphLook::default()
        }
    };
}

/// `kubectl get`'s `NAME AGE` table, for kinds kubectl prints that way.
#[macro_export]
macro_rules! name_age_table {
    () => {
        fn columns(_wide: bool) -> Vec<&'static str> {
            vec!["NAME", "AGE"]
        }
        fn row(&self, v: &$crate::kinds::View, _wide: bool) -> Vec<String> {
            let meta = k8s_openapi::Metadata::metadata(self);
            vec![meta.name.clone().unwrap_or_default(), $crate::kubectl::table::age(meta, v)]
        }
    };
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
        assert_eq!(Kind::from_arg("ep"), Some(Kind::Endpoints));
        assert_eq!(Kind::from_arg("endpointslices.discovery.k8s.io"), Some(Kind::EndpointSlice));
        assert_eq!(Kind::from_arg("widgets"), None);
        assert_eq!(Kind::Deployment.resource_singular(), "deployment.apps");
        assert_eq!(Kind::Pod.resource_plural(), "pods");
    }

    #[test]
    fn every_kind_has_a_table_and_names() {
        for k in Kind::ALL {
            assert!(!k.plural().is_empty(), "{k:?}");
            assert!(!k.columns(false).is_empty(), "{k:?}");
        }
    }
}

//! The admission plugins that read other objects than the one written: NamespaceLifecycle
//! (apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go) and DefaultStorageClass
//! (plugin/pkg/admission/storage/storageclass/setdefault/admission.go). Other admission
//! (defaulting, the DefaultTolerationSeconds tolerations) is each kind's `set_defaults`.

use super::{ApiError, Store};
use crate::api::{Kind, ObjKey, Object};
use std::collections::BTreeSet;

/// The namespaces the API server never lets go (its immortal namespaces).
const IMMORTAL: [&str; 3] = ["default", "kube-system", "kube-public"];

/// A create into a namespace needs the namespace, and not Terminating: no kind is
/// exempt, Events included (their writers log the refusal and drop them).
/// `namespaces` are taken to exist: a stream's earlier documents that create them.
pub(super) fn namespace_lifecycle_create(
    store: &Store,
    obj: &Object,
    namespaces: &BTreeSet<String>,
) -> Result<(), ApiError> {
    let kind = obj.kind();
    if !kind.namespaced() {
        return Ok(());
    }
    let ns = obj.namespace();
    match store.get_named(Kind::Namespace, "", ns) {
        None if namespaces.contains(ns) => Ok(()),
        None => Err(ApiError::NotFound { kind: Kind::Namespace, name: ns.to_string() }),
        Some(n) if n.is_deleting() => Err(ApiError::Forbidden(format!(
            "{} {:?} is forbidden: unable to create new content in namespace {ns} because it is being terminated",
            kind.resource_plural(),
            obj.name()
        ))),
        Some(_) => Ok(()),
    }
}

/// The immortal namespaces may not be deleted.
pub(super) fn namespace_lifecycle_delete(key: &ObjKey) -> Result<(), ApiError> {
    if key.kind == Kind::Namespace && IMMORTAL.contains(&&*key.name) {
        return Err(ApiError::Forbidden(format!(
            "namespaces {:?} is forbidden: this namespace may not be deleted",
            key.name
        )));
    }
    Ok(())
}

/// DefaultStorageClass: a claim that names no class (the field absent, not "") gets the
/// default one, the newest when several are marked (GetDefaultClass).
pub(super) fn default_storage_class(store: &Store, obj: &mut Object) {
    let Some(pvc) = obj.as_pvc_mut() else { return };
    let spec = pvc.spec.get_or_insert_with(Default::default);
    if spec.storage_class_name.is_some() {
        return;
    }
    let default = store
        .list(Kind::StorageClass, None)
        .filter_map(|o| o.as_storage_class())
        .filter(|sc| crate::kinds::storageclass::is_default(sc))
        .max_by(|a, b| {
            let t =
                |sc: &crate::kinds::storageclass::StorageClass| sc.metadata.creation_timestamp.as_ref().map(|t| t.0);
            t(a).cmp(&t(b)).then_with(|| b.metadata.name.cmp(&a.metadata.name))
        });
    if let Some(sc) = default {
        spec.storage_class_name.clone_from(&sc.metadata.name);
    }
}

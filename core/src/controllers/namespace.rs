//! The namespace controller (pkg/controller/namespace): a Namespace being deleted has
//! its content deleted, then its `kubernetes` finalizer removed, and is gone.

use crate::api::{Kind, ObjKey, Object};
use crate::sim::controller::{Controller, Ctx};
use crate::store::{ApiError, DeleteOptions, Store, WatchEvent, WatchType};

#[derive(Default)]
pub struct NamespaceController;

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }
    /// Namespaces, and every kind whose deletion may empty a terminating namespace.
    fn watches(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn owns(&self) -> &'static [Kind] {
        Kind::ALL
    }

    fn keys_for(&mut self, ev: &WatchEvent, store: &Store, out: &mut Vec<ObjKey>) {
        let o = &ev.object;
        if o.kind() == Kind::Namespace && o.is_deleting() && ev.kind != WatchType::Deleted {
            out.push(ObjKey::new(Kind::Namespace, "", o.name()));
        } else if ev.kind == WatchType::Deleted
            && o.kind().namespaced()
            && store.get_named(Kind::Namespace, "", o.namespace()).is_some_and(|n| n.is_deleting())
        {
            out.push(ObjKey::new(Kind::Namespace, "", o.namespace()));
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(ns) = ctx.store.get(key).cloned() else { return Ok(()) };
        let key = &*key.name;
        if !ns.is_deleting() {
            return Ok(());
        }
        let content: Vec<_> = Kind::ALL
            .iter()
            .filter(|k| k.namespaced())
            .flat_map(|k| ctx.store.list(*k, Some(key)))
            .filter(|o| !o.is_deleting())
            .map(|o| o.key())
            .collect();
        let remaining =
            Kind::ALL.iter().filter(|k| k.namespaced()).any(|k| ctx.store.list(*k, Some(key)).next().is_some());
        for k in content {
            match ctx.store.delete(&k, DeleteOptions::default(), ctx.actor) {
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        if remaining {
            return Ok(());
        }
        let mut done = (*ns).clone();
        if let Object::Namespace(n) = &mut done {
            if let Some(spec) = &mut n.spec {
                spec.finalizers = None;
            }
        }
        ctx.store.update(done, ctx.actor).map(|_| ()).map_err(|e| e.to_string())
    }
}

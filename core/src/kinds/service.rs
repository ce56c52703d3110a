//! Service (v1): defaults (type ClusterIP, sessionAffinity None, port protocol and
//! targetPort: pkg/apis/core/v1/defaults.go), the ClusterIP allocator on create
//! (10.96.0.0/12; `clusterIP: None` stays headless), and kubectl's printService.

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::api::decode::shell;
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

impl KindDef for Service {
    const PLURAL: &'static str = "services";
    const SHORT_NAMES: &'static [&'static str] = &["svc"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = true;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        shell(value, |metadata, spec| Service { metadata, spec, status: None })
    }

    fn keep_status(&mut self, live: &Self) {
        self.status.clone_from(&live.status);
    }

    fn set_defaults(&mut self) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.type_.get_or_insert_with(|| "ClusterIP".into());
        spec.session_affinity.get_or_insert_with(|| "None".into());
        for port in spec.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".into());
            port.target_port.get_or_insert(IntOrString::Int(port.port));
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = None;
    }

    /// The ClusterIP allocator (10.96.0.0/12); ExternalName services get none.
    fn allocate(&mut self, alloc: &mut Allocators) {
        let spec = self.spec.get_or_insert_with(Default::default);
        if spec.type_.as_deref() != Some("ExternalName") && spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
            alloc.service_ips += 1;
            let n = alloc.service_ips;
            spec.cluster_ip = Some(format!("10.96.{}.{}", n / 250, n % 250 + 1));
        }
        spec.cluster_ips.get_or_insert_with(|| spec.cluster_ip.iter().cloned().collect());
    }

    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }

    /// spec.clusterIP is immutable once set (ValidateServiceUpdate).
    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let ip = |s: &Service| s.spec.as_ref().and_then(|s| s.cluster_ip.clone()).filter(|ip| !ip.is_empty());
        match (ip(old), ip(self)) {
            (Some(o), Some(n)) if o != n => {
                vec![FieldError::invalid("spec.clusterIPs[0]", n.as_str(), "may not change once set")]
            }
            _ => Vec::new(),
        }
    }

    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }

    crate::no_workload!();

    fn columns(wide: bool) -> Vec<&'static str> {
        let mut c = vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
        if wide {
            c.push("SELECTOR");
        }
        c
    }

    /// printService.
    fn row(&self, v: &View, wide: bool) -> Vec<String> {
        let svc = self;
        // printService.
        let spec = svc.spec.clone().unwrap_or_default();
        let cluster_ip = spec.cluster_ips.as_ref().and_then(|ips| ips.first().cloned()).or(spec.cluster_ip.clone());
        let ports: Vec<String> = spec
            .ports
            .iter()
            .flatten()
            .map(|p| {
                let proto = p.protocol.clone().unwrap_or("TCP".into());
                match p.node_port.filter(|n| *n > 0) {
                    Some(np) => format!("{}:{np}/{proto}", p.port),
                    None => format!("{}/{proto}", p.port),
                }
            })
            .collect();
        let external = match spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
            Some(e) => e.join(","),
            None if spec.type_.as_deref() == Some("LoadBalancer") => "<pending>".into(),
            None => "<none>".into(),
        };
        let mut c = vec![
            svc.metadata.name.clone().unwrap_or_default(),
            spec.type_.clone().unwrap_or("ClusterIP".into()),
            cluster_ip.filter(|i| !i.is_empty()).unwrap_or("<none>".into()),
            external,
            if ports.is_empty() { "<none>".into() } else { ports.join(",") },
            age(&svc.metadata, v),
        ];
        if wide {
            let sel: Vec<String> = spec.selector.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
            c.push(if sel.is_empty() { "<none>".into() } else { sel.join(",") });
        }
        c
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

/// Whether the Service is headless (`clusterIP: None`).
pub fn is_headless(svc: &Service) -> bool {
    svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
}

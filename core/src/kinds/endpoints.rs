//! Endpoints (v1): written by the endpoints controller for Services with a selector (a
//! user may write them for a Service without one). kubectl's printEndpoints and
//! formatEndpoints (pkg/printers/internalversion/printers.go).

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::core::v1::Endpoints;
use serde_json::Value;

impl KindDef for Endpoints {
    const PLURAL: &'static str = "endpoints";
    const SHORT_NAMES: &'static [&'static str] = &["ep"];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = false;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> =
        Some("v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::typed(value)
    }
    fn keep_status(&mut self, _live: &Self) {}
    fn set_defaults(&mut self) {
        for p in self.subsets.iter_mut().flatten().flat_map(|s| s.ports.iter_mut().flatten()) {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
    fn validate_update(&self, _old: &Self) -> Vec<FieldError> {
        Vec::new()
    }
    fn bumps_generation(&self, _old: &Self, _main_resource: bool) -> bool {
        false
    }
    crate::no_workload!();

    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "ENDPOINTS", "AGE"]
    }

    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        vec![self.metadata.name.clone().unwrap_or_default(), format_endpoints(self), age(&self.metadata, v)]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

/// formatEndpoints: the first three ready `ip:port` pairs, then `+ N more...`.
pub fn format_endpoints(ep: &Endpoints) -> String {
    let Some(subsets) = ep.subsets.as_ref().filter(|s| !s.is_empty()) else {
        return "<none>".into();
    };
    const MAX: usize = 3;
    let (mut list, mut count, mut more) = (Vec::new(), 0usize, false);
    for ss in subsets {
        let addresses = ss.addresses.as_deref().unwrap_or_default();
        match ss.ports.as_deref().filter(|p| !p.is_empty()) {
            // A headless Service may have no ports: the addresses alone.
            None => {
                count += addresses.len();
                for a in addresses {
                    if list.len() == MAX {
                        more = true;
                        break;
                    }
                    list.push(a.ip.clone());
                }
            }
            Some(ports) => {
                for port in ports {
                    count += addresses.len();
                    for a in addresses {
                        if list.len() == MAX {
                            more = true;
                            break;
                        }
                        list.push(join_host_port(&a.ip, port.port));
                    }
                }
            }
        }
    }
    let text = list.join(",");
    if more {
        format!("{text} + {} more...", count - MAX)
    } else {
        text
    }
}

/// net.JoinHostPort: IPv6 addresses are bracketed.
pub fn join_host_port(ip: &str, port: i32) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{EndpointAddress, EndpointPort, EndpointSubset};

    fn ep(ips: &[&str], port: Option<i32>) -> Endpoints {
        Endpoints {
            subsets: Some(vec![EndpointSubset {
                addresses: Some(
                    ips.iter().map(|ip| EndpointAddress { ip: ip.to_string(), ..Default::default() }).collect(),
                ),
                not_ready_addresses: None,
                ports: port.map(|p| vec![EndpointPort { port: p, ..Default::default() }]),
            }]),
            ..Default::default()
        }
    }

    /// TestPrintEndpoint (pkg/printers/internalversion/printers_test.go).
    #[test]
    fn print_endpoints_table() {
        assert_eq!(format_endpoints(&Endpoints::default()), "<none>");
        assert_eq!(format_endpoints(&ep(&["1.2.3.4", "5.6.7.8"], None)), "1.2.3.4,5.6.7.8");
        assert_eq!(format_endpoints(&ep(&["1.2.3.4", "5.6.7.8"], Some(8001))), "1.2.3.4:8001,5.6.7.8:8001");
        assert_eq!(
            format_endpoints(&ep(&["1.2.3.4", "5.6.7.8", "9.8.7.6", "6.6.6.6"], Some(8001))),
            "1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more..."
        );
        let mut not_ready = ep(&[], Some(80));
        if let Some(s) = not_ready.subsets.as_mut() {
            s[0].not_ready_addresses = s[0].addresses.take();
        }
        assert_eq!(format_endpoints(&not_ready), "", "subsets with nothing ready print an empty cell");
        assert_eq!(join_host_port("2001:db8::1", 80), "[2001:db8::1]:80");
    }
}

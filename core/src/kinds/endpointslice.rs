//! EndpointSlice (discovery.k8s.io/v1): written by the endpointslice controller, one or
//! more per Service with a selector. kubectl's printEndpointSlice, formatDiscoveryPorts
//! and formatDiscoveryEndpoints (pkg/printers/internalversion/printers.go).

use super::{Allocators, DecodeError, GraphPlace, KindDef, View};
use crate::kubectl::describe::{generic, Writer};
use crate::kubectl::table::age;
use crate::validation::field::FieldError;
pub use k8s_openapi::api::discovery::v1::EndpointSlice;
use serde_json::Value;

impl KindDef for EndpointSlice {
    const PLURAL: &'static str = "endpointslices";
    const SHORT_NAMES: &'static [&'static str] = &[];
    const NAMESPACED: bool = true;
    const STATUS_SUBRESOURCE: bool = false;
    const GENERATION: bool = true;
    const GRAPH: Option<GraphPlace> = None;
    const DEPRECATED: Option<&'static str> = None;
    crate::plain_deletion!();

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        crate::api::decode::typed(value)
    }
    fn keep_status(&mut self, _live: &Self) {}
    fn set_defaults(&mut self) {
        for p in self.ports.iter_mut().flatten() {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
    fn prepare_for_create(&mut self) {}
    fn allocate(&mut self, _alloc: &mut Allocators) {}
    /// ValidateEndpointSlice: the address type is one of the supported ones.
    fn validate(&self) -> Vec<FieldError> {
        const TYPES: [&str; 3] = ["IPv4", "IPv6", "FQDN"];
        if TYPES.contains(&self.address_type.as_str()) {
            return Vec::new();
        }
        vec![FieldError::not_supported("addressType", self.address_type.as_str(), &TYPES)]
    }
    /// addressType is immutable.
    fn validate_update(&self, old: &Self) -> Vec<FieldError> {
        let mut errs = self.validate();
        if self.address_type != old.address_type {
            errs.push(FieldError::invalid("addressType", self.address_type.as_str(), "field is immutable"));
        }
        errs
    }
    /// The endpointslice strategy bumps generation whenever anything but metadata changes.
    fn bumps_generation(&self, old: &Self, _main_resource: bool) -> bool {
        self.endpoints != old.endpoints || self.ports != old.ports || self.address_type != old.address_type
    }
    crate::no_workload!();

    fn columns(_wide: bool) -> Vec<&'static str> {
        vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    }

    fn row(&self, v: &View, _wide: bool) -> Vec<String> {
        let ports: Vec<String> = self
            .ports
            .iter()
            .flatten()
            .map(|p| match (p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "*".into(),
            })
            .collect();
        let addresses: Vec<String> =
            self.endpoints.iter().flatten().flat_map(|e| e.addresses.iter().cloned()).collect();
        vec![
            self.metadata.name.clone().unwrap_or_default(),
            self.address_type.clone(),
            list_with_more(ports),
            list_with_more(addresses),
            age(&self.metadata, v),
        ]
    }

    fn describe(&self, v: &View, w: &mut Writer) {
        generic(v, &self.metadata, w);
    }

    crate::not_drawn!();
}

/// listWithMoreString: the first three, then `+ N more...`; `<unset>` when empty.
fn list_with_more(items: Vec<String>) -> String {
    const MAX: usize = 3;
    let count = items.len();
    let text = items.into_iter().take(MAX).collect::<Vec<_>>().join(",");
    if count > MAX {
        format!("{text} + {} more...", count - MAX)
    } else if text.is_empty() {
        "<unset>".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort};

    fn slice(ports: &[i32], endpoints: &[&[&str]]) -> EndpointSlice {
        EndpointSlice {
            address_type: "IPv4".into(),
            ports: Some(ports.iter().map(|p| EndpointPort { port: Some(*p), ..Default::default() }).collect()),
            endpoints: Some(
                endpoints
                    .iter()
                    .map(|a| Endpoint { addresses: a.iter().map(|s| s.to_string()).collect(), ..Default::default() })
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn cells(s: &EndpointSlice) -> (String, String) {
        let ports = s.ports.iter().flatten().map(|p| p.port.map_or("*".to_string(), |n| n.to_string())).collect();
        let addrs = s.endpoints.iter().flatten().flat_map(|e| e.addresses.clone()).collect();
        (list_with_more(ports), list_with_more(addrs))
    }

    /// TestPrintEndpointSlice (pkg/printers/internalversion/printers_test.go).
    #[test]
    fn print_endpoint_slice_table() {
        let one = slice(&[80], &[&["10.1.2.3", "2001:db8::1234:5678"]]);
        assert_eq!(cells(&one), ("80".into(), "10.1.2.3,2001:db8::1234:5678".into()));
        let two = slice(&[80, 443], &[&["10.1.2.3", "2001:db8::1234:5678"], &["10.2.3.4", "2001:db8::2345:6789"]]);
        assert_eq!(cells(&two), ("80,443".into(), "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...".into()));
        let many = slice(&[80, 443, 3000, 3001], &[]);
        assert_eq!(cells(&many).0, "80,443,3000 + 1 more...");
        assert_eq!(cells(&slice(&[], &[])), ("<unset>".into(), "<unset>".into()));
    }
}

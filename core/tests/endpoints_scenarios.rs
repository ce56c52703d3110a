//! Endpoints and EndpointSlices behind Services, driven through scripts: ready pod
//! addresses, not-ready ones apart, headless Services with hostnames, selectorless
//! Services left alone, and cleanup when the Service goes.

mod common;
use common::*;
use kubeloop::api::{Kind, Object};

const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {tier: front}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
";

fn apply(manifest: &str) -> String {
    format!("kubectl apply -f - <<EOF\n{manifest}EOF\n")
}

fn web_deployment(replicas: i32, annotations: &str) -> String {
    deployment("web", replicas, &rolling("1", "0"), annotations, "nginx:1.25").replace(
        "        image: nginx:1.25",
        "        image: nginx:1.25\n        ports: [{name: http, containerPort: 8080}]",
    )
}

fn endpoints(engine: &kubeloop::sim::engine::Engine, name: &str) -> k8s_openapi::api::core::v1::Endpoints {
    engine.store.get_named(Kind::Endpoints, "default", name).and_then(|o| o.as_endpoints().cloned()).expect(name)
}

fn slices(engine: &kubeloop::sim::engine::Engine) -> Vec<k8s_openapi::api::discovery::v1::EndpointSlice> {
    engine.store.list(Kind::EndpointSlice, Some("default")).filter_map(|o| o.as_endpoint_slice().cloned()).collect()
}

#[test]
fn a_service_lists_its_ready_pods_on_the_named_target_port() {
    let (engine, out) =
        run(&format!("{}{}settle\nkubectl get endpoints,endpointslices\n", apply(WEB), apply(&web_deployment(3, ""))));
    let ep = endpoints(&engine, "web");
    let subsets = ep.subsets.clone().unwrap();
    assert_eq!(subsets.len(), 1, "{subsets:?}");
    let s = &subsets[0];
    assert_eq!(s.addresses.as_ref().unwrap().len(), 3);
    assert!(s.not_ready_addresses.is_none());
    let port = &s.ports.as_ref().unwrap()[0];
    assert_eq!((port.name.as_deref(), port.port, port.protocol.as_deref()), (Some("http"), 8080, Some("TCP")));
    let labels = ep.metadata.labels.clone().unwrap();
    assert_eq!(labels.get("tier").map(String::as_str), Some("front"));
    assert_eq!(labels.get("endpoints.kubernetes.io/managed-by").map(String::as_str), Some("endpoint-controller"));
    assert!(!labels.contains_key("service.kubernetes.io/headless"));
    let a = &s.addresses.as_ref().unwrap()[0];
    assert_eq!(a.target_ref.as_ref().and_then(|r| r.kind.as_deref()), Some("Pod"));
    assert!(a.node_name.as_deref().is_some_and(|n| n.starts_with("node-")));
    // kubectl's tables: three ip:port pairs; the slice's port and addresses.
    assert!(out.contains("NAME            ENDPOINTS") && out.contains("endpoints/web   10.244."), "{out}");
    assert!(out.contains(":8080,") && !out.contains("more..."), "{out}");
    assert!(
        out.contains("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"),
        "{out}"
    );
    let sl = slices(&engine);
    assert_eq!(sl.len(), 1);
    let slice = &sl[0];
    assert!(slice.metadata.name.as_deref().unwrap().starts_with("web-"));
    assert_eq!(slice.address_type, "IPv4");
    let l = slice.metadata.labels.clone().unwrap();
    assert_eq!(l.get("kubernetes.io/service-name").map(String::as_str), Some("web"));
    assert_eq!(
        l.get("endpointslice.kubernetes.io/managed-by").map(String::as_str),
        Some("endpointslice-controller.k8s.io")
    );
    let owner = slice.metadata.owner_references.as_ref().unwrap()[0].clone();
    assert_eq!((owner.kind.as_str(), owner.controller), ("Service", Some(true)));
    let eps = slice.endpoints.clone().unwrap();
    assert_eq!(eps.len(), 3);
    for e in &eps {
        let c = e.conditions.clone().unwrap();
        assert_eq!((c.ready, c.serving, c.terminating), (Some(true), Some(true), Some(false)));
        assert!(e.zone.as_deref().is_some_and(|z| z.starts_with("zone-")), "{e:?}");
    }
    assert!(out.contains("IPv4          8080"), "{out}");
}

#[test]
fn not_ready_pods_are_kept_apart_and_terminating_ones_leave() {
    let (mut engine, _) = run(&format!(
        "{}{}settle\n",
        apply(WEB),
        apply(&web_deployment(2, "        sim.kubeloop.dev/ready: \"never\""))
    ));
    let s = endpoints(&engine, "web").subsets.unwrap().remove(0);
    assert!(s.addresses.is_none());
    assert_eq!(s.not_ready_addresses.unwrap().len(), 2);
    let out = run_on(&mut engine, "kubectl get endpoints web\n");
    // Subsets exist but nothing is ready: an empty cell, not <none>.
    assert!(out.contains("web               "), "{out}");
    for e in slices(&engine)[0].endpoints.clone().unwrap() {
        let c = e.conditions.unwrap();
        assert_eq!((c.ready, c.serving), (Some(false), Some(false)));
    }
    // Deleting the pods: the terminating ones leave Endpoints but stay in slices, marked.
    run_on(&mut engine, "kubectl scale deployment web --replicas=0\n");
    let ep = endpoints(&engine, "web");
    assert!(ep.subsets.is_none(), "{ep:?}");
    let terminating: Vec<_> = slices(&engine)
        .iter()
        .flat_map(|s| s.endpoints.clone().unwrap_or_default())
        .filter(|e| e.conditions.as_ref().and_then(|c| c.terminating) == Some(true))
        .collect();
    assert_eq!(terminating.len(), 2);
    run_on(&mut engine, "settle\n");
    let sl = slices(&engine);
    assert_eq!(sl.len(), 1, "one empty placeholder slice");
    assert!(sl[0].endpoints.as_ref().is_none_or(Vec::is_empty));
    let out = run_on(&mut engine, "kubectl get endpointslices\n");
    assert!(out.contains("<unset>   <unset>"), "{out}");
}

#[test]
fn a_headless_service_publishes_hostnames_of_pods_in_its_subdomain() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n";
    let pod = |n: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {n}, labels: {{app: db}}}}\nspec:\n  hostname: {n}\n  subdomain: db\n  containers: [{{name: c, image: mysql:8}}]\n---\n")
    };
    let (engine, _) = run(&format!("{}{}settle\n", apply(svc), apply(&format!("{}{}", pod("db-0"), pod("db-1")))));
    let ep = endpoints(&engine, "db");
    assert_eq!(
        ep.metadata.labels.as_ref().and_then(|l| l.get("service.kubernetes.io/headless")).map(String::as_str),
        Some("")
    );
    let s = ep.subsets.unwrap().remove(0);
    assert!(s.ports.is_none(), "a headless Service without ports has port-less addresses");
    let hosts: Vec<_> = s.addresses.unwrap().into_iter().filter_map(|a| a.hostname).collect();
    assert_eq!(hosts.len(), 2);
    assert!(hosts.contains(&"db-0".to_string()) && hosts.contains(&"db-1".to_string()));
    let eps = slices(&engine)[0].endpoints.clone().unwrap();
    assert!(eps.iter().all(|e| e.hostname.is_some()));
    assert!(slices(&engine)[0].ports.as_ref().is_none_or(Vec::is_empty));
}

#[test]
fn selectorless_services_are_left_alone_and_deleted_services_take_theirs_along() {
    let manual = "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  ports: [{port: 5432}]\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ext}\nsubsets:\n- addresses: [{ip: 192.0.2.10}]\n  ports: [{port: 5432}]\n";
    let (mut engine, out) = run(&format!(
        "{}{}{}settle\nkubectl get endpoints ext\n",
        apply(manual),
        apply(WEB),
        apply(&web_deployment(1, ""))
    ));
    assert!(out.contains("192.0.2.10:5432"), "{out}");
    // kubectl prints the API server's warning for every verb on v1 Endpoints, once.
    assert_eq!(out.matches("Warning: v1 Endpoints is deprecated in v1.33+").count(), 2, "apply and get: {out}");
    assert!(slices(&engine).iter().all(|s| s.metadata.labels.as_ref().unwrap()["kubernetes.io/service-name"] == "web"));
    let written: Vec<_> = engine
        .store
        .trace
        .iter()
        .filter(|r| r.object.kind() == Kind::Endpoints && r.object.name() == "ext")
        .map(|r| r.actor)
        .collect();
    assert_eq!(written, vec!["kubectl"], "the controller never writes a selectorless Service's Endpoints");
    run_on(&mut engine, "kubectl delete service web\nsettle\n");
    assert!(engine.store.get_named(Kind::Endpoints, "default", "web").is_none());
    assert!(slices(&engine).is_empty(), "the garbage collector removes the owned slices");
    let why =
        engine.store.trace.iter().filter(|r| r.actor == "endpoints-controller").find_map(|r| r.why.clone()).unwrap();
    assert!(why.contains("ready"), "{why}");
    assert!(matches!(&**engine.store.get_named(Kind::Endpoints, "default", "ext").unwrap(), Object::Endpoints(_)));
}

#[test]
fn more_than_a_hundred_endpoints_are_split_into_slices() {
    let (engine, out) =
        run(&format!("{}{}settle\nkubectl get endpoints web\n", apply(WEB), apply(&web_deployment(150, ""))));
    let sl = slices(&engine);
    let mut sizes: Vec<usize> = sl.iter().map(|s| s.endpoints.as_ref().map_or(0, Vec::len)).collect();
    sizes.sort();
    assert_eq!(sizes.iter().sum::<usize>(), 150);
    assert!(sizes.iter().all(|n| *n <= 100), "{sizes:?}");
    assert_eq!(sizes.len(), 2, "{sizes:?}");
    assert!(out.contains(" + 147 more..."), "{out}");
}

//! Tables ported from upstream's deployment tests (deployment_util_test.go,
//! rolling_test.go, sync_test.go); row comments name the upstream case.

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStatus, DeploymentStrategy, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus,
    RollingUpdateDeployment,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeloop::api::time::parse_rfc3339;
use kubeloop::cluster::new_cluster;
use kubeloop::controllers::deployment::rolling::{
    cleanup_unhealthy_replicas, reconcile_new_replica_set, reconcile_old_replica_sets,
    scale_down_old_for_rolling_update,
};
use kubeloop::controllers::deployment::sync::{rs_fraction, scale, Sets};
use kubeloop::controllers::deployment::util::*;
use kubeloop::sim::controller::Ctx;
use kubeloop::sim::events::Recorder;
use kubeloop::store::Store;
use std::collections::BTreeMap;

fn s(v: &str) -> IntOrString {
    IntOrString::String(v.into())
}
fn i(v: i32) -> IntOrString {
    IntOrString::Int(v)
}

fn deploy(replicas: i32, surge: IntOrString, unavailable: IntOrString) -> Deployment {
    Deployment {
        metadata: ObjectMeta { name: Some("foo".into()), namespace: Some("default".into()), ..Default::default() },
        spec: DeploymentSpec {
            replicas: Some(replicas),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: Some(surge),
                    max_unavailable: Some(unavailable),
                }),
            }),
            ..Default::default()
        },
        status: None,
    }
}

fn rs(name: &str, spec: i32, available: i32, created_s: i64) -> ReplicaSet {
    ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            creation_timestamp: Some(Time(jiff::Timestamp::from_second(1_700_000_000 + created_s).unwrap())),
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(spec),
            selector: selector(),
            template: Some(template()),
            ..Default::default()
        },
        status: Some(ReplicaSetStatus { replicas: spec, available_replicas: Some(available), ..Default::default() }),
    }
}

fn selector() -> k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
    k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
        match_labels: Some(BTreeMap::from([("foo".to_string(), "bar".to_string())])),
        match_expressions: None,
    }
}

fn template() -> k8s_openapi::api::core::v1::PodTemplateSpec {
    use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(BTreeMap::from([("foo".to_string(), "bar".to_string())])),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            containers: vec![Container { name: "c".into(), image: Some("img".into()), ..Default::default() }],
            ..Default::default()
        }),
    }
}

/// Runs `f` with a store holding the ReplicaSets (so scaling writes succeed).
fn with_ctx<T>(rss: &mut Vec<ReplicaSet>, f: impl FnOnce(&mut Ctx, &mut Vec<ReplicaSet>) -> T) -> T {
    let mut store = Store::new(kubeloop::api::time::Clock::new(parse_rfc3339("2026-01-01T00:00:00Z").unwrap()), 0);
    for ns in kubeloop::cluster::nodes::default_namespaces() {
        store.create(ns, "test").unwrap();
    }
    for r in rss.iter_mut() {
        let created = store.create(kubeloop::api::Object::ReplicaSet(Box::new(r.clone())), "test").unwrap();
        // Status is the controller's to write (PrepareForCreate drops it), as here.
        let mut stored = created.as_replica_set().unwrap().clone();
        stored.status.clone_from(&r.status);
        let updated =
            store.update(kubeloop::api::Object::ReplicaSet(Box::new(stored)), "replicaset-controller").unwrap();
        let mut stored = updated.as_replica_set().unwrap().clone();
        stored.metadata.creation_timestamp = r.metadata.creation_timestamp.clone();
        *r = stored;
    }
    let mut recorder = Recorder::default();
    let mut ctx = Ctx { store: &mut store, recorder: &mut recorder, actor: "deployment-controller", after: vec![] };
    f(&mut ctx, rss)
}

#[test]
fn resolve_fenceposts_table() {
    // TestResolveFenceposts
    type Row = (Option<IntOrString>, Option<IntOrString>, i32, Result<(i32, i32), ()>);
    let rows: [Row; 7] = [
        (Some(s("0%")), Some(s("0%")), 0, Ok((0, 1))),
        (Some(s("39%")), Some(s("39%")), 10, Ok((4, 3))),
        (Some(s("oops")), Some(s("39%")), 10, Err(())),
        (Some(s("55%")), Some(s("urg")), 10, Err(())),
        (None, Some(s("39%")), 10, Ok((0, 3))),
        (Some(s("39%")), None, 10, Ok((4, 0))),
        (None, None, 10, Ok((0, 1))),
    ];
    for (n, (surge, unav, desired, want)) in rows.into_iter().enumerate() {
        let got = resolve_fenceposts(surge.as_ref(), unav.as_ref(), desired).map_err(|_| ());
        assert_eq!(got, want, "row {n}");
    }
}

#[test]
fn max_unavailable_and_min_available() {
    // TestMaxUnavailable / TestMinAvailable (maxSurge int 1)
    for (replicas, unav, max_u, min_a) in [
        (10, i(5), 5, 5),
        (10, i(10), 10, 0),
        (5, i(10), 5, 0),
        (0, i(10), 0, 0),
        (10, s("50%"), 5, 5),
        (10, s("100%"), 10, 0),
        (5, s("100%"), 5, 0),
    ] {
        let d = deploy(replicas, i(1), unav.clone());
        assert_eq!(max_unavailable(&d), max_u, "{replicas} {unav:?}");
        assert_eq!(min_available(&d), min_a, "{replicas} {unav:?}");
    }
    let mut recreate = deploy(10, i(1), i(1));
    recreate.spec.strategy = Some(DeploymentStrategy { type_: Some("Recreate".into()), rolling_update: None });
    recreate.spec.replicas = None;
    assert_eq!(max_unavailable(&recreate), 0);
    assert_eq!(min_available(&recreate), 0);
}

#[test]
fn new_rs_new_replicas_table() {
    // TestNewRSNewReplicas: allRSs = [rs5] only.
    let rs5 = rs("rs5", 5, 5, 0);
    for (strategy, dep, new, surge, want) in
        [("RollingUpdate", 1, 5, 1, 5), ("RollingUpdate", 6, 2, 10, 6), ("Recreate", 3, 1, 1, 3)]
    {
        let mut d = deploy(dep, i(surge), i(1));
        d.spec.strategy.as_mut().unwrap().type_ = Some(strategy.into());
        let new_rs = rs("new", new, 0, 1);
        assert_eq!(new_rs_new_replicas(&d, &[&rs5], &new_rs), Ok(want), "{strategy} {dep} {new} {surge}");
    }
}

fn status(replicas: i32, updated: i32, ready: i32, available: i32) -> DeploymentStatus {
    DeploymentStatus {
        replicas: Some(replicas),
        updated_replicas: Some(updated),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        ..Default::default()
    }
}

#[test]
fn deployment_complete_and_progressing() {
    // TestDeploymentComplete: (desired, current, updated, available) -> complete
    for (desired, current, updated, available, want) in [
        (5, 5, 5, 4, false),
        (5, 5, 5, 3, false),
        (5, 5, 5, 5, true),
        (5, 5, 4, 5, false),
        (1, 2, 1, 1, false),
        (1, 1, 1, 0, false),
    ] {
        let d = deploy(desired, i(0), i(1));
        assert_eq!(deployment_complete(&d, &status(current, updated, 0, available)), want);
    }
    // TestDeploymentProgressing: (replicas, updated, ready, available) old -> new
    let rows = [
        ((10, 4, 4, 4), (10, 6, 4, 4), true),
        ((10, 4, 4, 4), (10, 4, 4, 4), false),
        ((10, 4, 6, 6), (8, 4, 6, 6), true),
        ((10, 7, 3, 3), (10, 6, 3, 3), false),
        ((10, 4, 7, 7), (8, 8, 5, 5), true),
        ((10, 10, 9, 8), (10, 10, 10, 8), true),
        ((10, 10, 10, 9), (10, 10, 10, 10), true),
    ];
    for (old, new, want) in rows {
        let mut d = deploy(10, i(0), i(1));
        d.status = Some(status(old.0, old.1, old.2, old.3));
        assert_eq!(deployment_progressing(&d, &status(new.0, new.1, new.2, new.3)), want, "{old:?} -> {new:?}");
    }
}

#[test]
fn deployment_timed_out_table() {
    // TestDeploymentTimedOut: times are 2016-01-01 00:mm:ss.
    let t = |m: i64, sec: i64| Time(jiff::Timestamp::from_second(1_451_606_400 + m * 60 + sec).unwrap());
    let rows = [
        (None, t(1, 9), t(1, 20), "", false),
        (Some(i32::MAX), t(1, 9), t(1, 20), "", false),
        (Some(10), t(1, 9), t(1, 20), "", true),
        (Some(10), t(1, 11), t(1, 20), "", false),
        (None, t(0, 0), t(1, 20), "NewReplicaSetAvailable", false),
    ];
    for (pds, from, now, reason, want) in rows {
        let mut d = deploy(1, i(0), i(1));
        d.spec.progress_deadline_seconds = pds;
        let mut st = DeploymentStatus::default();
        let mut c = new_condition("Progressing", "True", reason, String::new(), &from);
        c.reason = Some(reason.into());
        st.conditions = Some(vec![c]);
        assert_eq!(deployment_timed_out(&d, &st, &now), want, "{pds:?}");
    }
}

#[test]
fn annotation_utils_revision_history() {
    // TestAnnotationUtils: revisions 11..20 with a 5-character history limit.
    let mut d = deploy(1, i(0), i(1));
    d.metadata.annotations = Some(BTreeMap::from([(REVISION.to_string(), "1".to_string())]));
    let mut r = rs("r", 0, 0, 0);
    for n in 10..20 {
        let next = (n + 1).to_string();
        set_new_rs_annotations(&d, &mut r, &next, true, 5);
        let a = r.metadata.annotations.as_ref().unwrap();
        assert_eq!(a[REVISION], next);
        if n >= 12 {
            assert_eq!(a[REVISION_HISTORY], format!("{},{}", n - 1, n));
        }
    }
    assert!(set_replicas_annotations(&mut r, 10, 11));
    assert_eq!(r.metadata.annotations.as_ref().unwrap()[DESIRED_REPLICAS], "10");
    assert!(!replicas_annotations_need_update(&r, 10, 11));
    assert!(replicas_annotations_need_update(&r, 10, 20));
}

#[test]
fn replica_set_fraction() {
    // TestGetReplicaSetFraction: (deployment replicas, status replicas, maxSurge, rs replicas, max annotation) -> fraction
    let rows = [
        (0, 0, 0, 10, None, -10),
        (10, 0, 0, 5, None, 0),
        (10, 0, 0, 5, Some("0"), 0),
        (120, 100, 0, 50, None, 10),
        (120, 100, 0, 50, Some("0"), 10),
        (120, 0, 0, 50, Some("100"), 10),
        (120, 0, 10, 50, Some("110"), 9),
        (10, 0, 0, 6, Some("12"), -1),
        (100, 0, 10, 50, Some("130"), -8),
    ];
    for (dep, st, surge, rsr, ann, want) in rows {
        let mut d = deploy(dep, i(surge), i(1));
        d.status = Some(DeploymentStatus { replicas: Some(st), ..Default::default() });
        let mut r = rs("r", rsr, 0, 0);
        r.metadata.annotations = ann.map(|a: &str| BTreeMap::from([(MAX_REPLICAS.to_string(), a.to_string())]));
        assert_eq!(rs_fraction(&r, &d), want, "{dep} {st} {surge} {rsr} {ann:?}");
    }
}

#[test]
fn reconcile_new_replica_set_table() {
    // TestDeploymentController_reconcileNewReplicaSet (classic rows): (d.replicas, maxSurge, old, new) -> expected new
    for (dep, surge, old, new, want) in [
        (10, 0, 10, 0, None),
        (10, 2, 10, 0, Some(2)),
        (10, 2, 5, 0, Some(7)),
        (10, 2, 10, 2, None),
        (10, 2, 2, 11, Some(10)),
    ] {
        let d = deploy(dep, i(surge), i(0));
        let mut rss = vec![rs("foo-v1", old, 0, 0), rs("foo-v2", new, 0, 1)];
        let (scaled, got) = with_ctx(&mut rss, |ctx, rss| {
            let mut sets = Sets { all: rss.clone(), new: Some(1) };
            let scaled = reconcile_new_replica_set(ctx, &mut sets, &d).unwrap();
            (scaled, sets.all[1].spec.replicas)
        });
        assert_eq!(scaled, want.is_some(), "{dep} {surge} {old} {new}");
        if let Some(w) = want {
            assert_eq!(got, Some(w));
        }
    }
}

#[test]
fn reconcile_old_replica_sets_table() {
    // TestDeploymentController_reconcileOldReplicaSets: (replicas, maxUnavailable, old, new, old avail, new avail) -> (scaled, old after)
    for (dep, unav, old, new, old_av, new_av, want, old_after) in [
        (10, 0, 10, 0, 10, 0, true, 9),
        (10, 2, 10, 0, 10, 0, true, 8),
        (10, 2, 10, 0, 8, 0, true, 8),
        (10, 2, 10, 0, 9, 0, true, 8),
        (10, 2, 8, 2, 8, 0, false, 8),
    ] {
        let d = deploy(dep, i(0), i(unav));
        let mut rss = vec![rs("foo-old", old, old_av, 0), rs("foo-new", new, new_av, 1)];
        let (scaled, after) = with_ctx(&mut rss, |ctx, rss| {
            let mut sets = Sets { all: rss.clone(), new: Some(1) };
            let scaled = reconcile_old_replica_sets(ctx, &mut sets, &d).unwrap();
            (scaled, sets.all[0].spec.replicas.unwrap())
        });
        assert_eq!((scaled, after), (want, old_after), "{dep} {unav} {old} {new} {old_av} {new_av}");
    }
}

#[test]
fn cleanup_unhealthy_and_scale_down_tables() {
    // TestDeploymentController_cleanupUnhealthyReplicas: (old, ready, maxCleanup) -> cleaned
    for (old, ready, max, want) in [(10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0)] {
        let d = deploy(10, i(2), i(2));
        let mut rss = vec![rs("foo-v2", old, ready, 0)];
        let got = with_ctx(&mut rss, |ctx, rss| {
            let mut sets = Sets { all: rss.clone(), new: None };
            cleanup_unhealthy_replicas(ctx, &mut sets, &[0], &d, max).unwrap()
        });
        assert_eq!(got, want, "{old} {ready} {max}");
    }
    // TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate: (replicas, maxUnavailable, ready, old) -> old after
    for (dep, unav, ready, old, want) in [
        (10, 0, 10, 10, Some(9)),
        (10, 2, 10, 10, Some(8)),
        (10, 2, 8, 10, None),
        (10, 2, 10, 0, None),
        (10, 2, 1, 10, None),
    ] {
        let d = deploy(dep, i(0), i(unav));
        let mut rss = vec![rs("foo-v2", old, ready, 0)];
        let (count, after) = with_ctx(&mut rss, |ctx, rss| {
            let mut sets = Sets { all: rss.clone(), new: None };
            let n = scale_down_old_for_rolling_update(ctx, &mut sets, &[0], &d).unwrap();
            (n, sets.all[0].spec.replicas.unwrap())
        });
        match want {
            Some(w) => assert!(count > 0 && after == w, "{dep} {unav} {ready} {old}: {count} {after}"),
            None => assert_eq!(count, 0),
        }
    }
}

#[test]
fn proportional_scale_table() {
    // TestScale rows: (d.replicas, prev replicas, surge, [(spec, created)] with the first as new) -> expected specs
    struct Row {
        name: &'static str,
        replicas: i32,
        prev: i32,
        surge: i32,
        sets: Vec<i32>,
        want: Vec<i32>,
    }
    let rows = [
        Row { name: "proportional scaling: 5 -> 10", replicas: 10, prev: 5, surge: 0, sets: vec![5], want: vec![10] },
        Row { name: "proportional scaling: 5 -> 3", replicas: 3, prev: 5, surge: 0, sets: vec![5], want: vec![3] },
        Row { name: "proportional scaling: 9 -> 4", replicas: 4, prev: 9, surge: 0, sets: vec![9], want: vec![4] },
        Row {
            name: "proportional scaling: 7 -> 10",
            replicas: 10,
            prev: 7,
            surge: 0,
            sets: vec![3, 4],
            want: vec![4, 6],
        },
        Row {
            name: "proportional scaling: 13 -> 8",
            replicas: 8,
            prev: 13,
            surge: 0,
            sets: vec![8, 5],
            want: vec![5, 3],
        },
        Row {
            name: "leftover distribution: 3 -> 4",
            replicas: 4,
            prev: 3,
            surge: 0,
            sets: vec![1, 1, 1],
            want: vec![2, 1, 1],
        },
        Row {
            name: "leftover distribution: 4 -> 3",
            replicas: 3,
            prev: 4,
            surge: 0,
            sets: vec![2, 1, 1],
            want: vec![1, 1, 1],
        },
        Row {
            name: "saturated: 4 -> 5 keeps the active",
            replicas: 5,
            prev: 4,
            surge: 0,
            sets: vec![4, 0],
            want: vec![5, 0],
        },
        Row {
            name: "scale up with surge: 10 -> 20",
            replicas: 20,
            prev: 10,
            surge: 2,
            sets: vec![6, 6],
            want: vec![11, 11],
        },
    ];
    for row in rows {
        let d = {
            let mut d = deploy(row.replicas, i(row.surge), i(0));
            d.status = Some(DeploymentStatus { replicas: Some(row.sets.iter().sum()), ..Default::default() });
            d
        };
        let prev_max = row.prev + row.surge;
        let mut rss: Vec<ReplicaSet> = row
            .sets
            .iter()
            .enumerate()
            .map(|(n, spec)| {
                let mut r = rs(&format!("rs-{n}"), *spec, *spec, 10 - n as i64);
                r.metadata.annotations = Some(BTreeMap::from([
                    (DESIRED_REPLICAS.to_string(), row.prev.to_string()),
                    (MAX_REPLICAS.to_string(), prev_max.to_string()),
                ]));
                r
            })
            .collect();
        let got = with_ctx(&mut rss, |ctx, rss| {
            let mut sets = Sets { all: rss.clone(), new: Some(0) };
            scale(ctx, &d, &mut sets).unwrap();
            sets.all.iter().map(|r| r.spec.replicas.unwrap()).collect::<Vec<_>>()
        });
        assert_eq!(got, row.want, "{}", row.name);
    }
}

#[test]
fn equal_ignore_hash_table() {
    // TestEqualIgnoreHash
    use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
    let tpl = |name: &str, node: &str, ann: &[(&str, &str)], labels: &[(&str, &str)]| PodTemplateSpec {
        metadata: Some(ObjectMeta {
            name: Some(name.into()),
            annotations: Some(ann.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            labels: Some(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            ..Default::default()
        }),
        spec: Some(PodSpec { node_name: Some(node.into()), ..Default::default() }),
    };
    let h = POD_TEMPLATE_HASH;
    let rows = [
        (
            tpl("foo", "foo-node", &[], &[(h, "value-1"), ("something", "else")]),
            tpl("foo", "foo-node", &[], &[(h, "value-1"), ("something", "else")]),
            true,
        ),
        (
            tpl("foo", "foo-node", &[], &[(h, "value-1"), ("something", "else")]),
            tpl("foo", "foo-node", &[], &[(h, "value-2"), ("something", "else")]),
            true,
        ),
        (
            tpl("foo", "foo-node", &[], &[("something", "else")]),
            tpl("foo", "foo-node", &[], &[(h, "value-2"), ("something", "else")]),
            true,
        ),
        (tpl("foo", "foo-node", &[], &[("something", "else")]), tpl("foo", "foo-node", &[], &[(h, "value-2")]), false),
        (
            tpl("foo", "foo-node", &[], &[(h, "value-1")]),
            tpl("foo", "foo-node", &[], &[(h, "value-1"), ("something", "else")]),
            false,
        ),
        (
            tpl("foo", "foo-node", &[("former", "value")], &[(h, "value-1"), ("something", "else")]),
            tpl("foo", "foo-node", &[("latter", "value")], &[(h, "value-1"), ("something", "else")]),
            false,
        ),
        (
            tpl("foo-1", "foo-node", &[], &[(h, "value-1"), ("something", "else")]),
            tpl("foo-2", "foo-node", &[], &[(h, "value-2"), ("something", "else")]),
            false,
        ),
        (
            tpl("foo", "foo-node-1", &[], &[("something", "else")]),
            tpl("foo", "foo-node-2", &[], &[("nothing", "else")]),
            false,
        ),
    ];
    for (n, (a, b, want)) in rows.iter().enumerate() {
        assert_eq!(equal_ignore_hash(a, b), *want, "row {n}");
        assert_eq!(equal_ignore_hash(b, a), *want, "row {n} reversed");
    }
}

#[test]
fn cluster_starts_with_three_ready_nodes() {
    let e = new_cluster(parse_rfc3339("2026-01-01T00:00:00Z").unwrap(), 0);
    let nodes: Vec<_> = e.store.list(kubeloop::api::Kind::Node, None).collect();
    assert_eq!(nodes.len(), 3);
    assert!(nodes.iter().all(|n| kubeloop::cluster::nodes::node_ready(n.as_node().unwrap())));
}

#[test]
fn cleanup_deployment_tables() {
    use kubeloop::controllers::deployment::sync::cleanup_deployment;
    let count_after = |rss: Vec<ReplicaSet>, limit: i32| {
        let mut rss = rss;
        with_ctx(&mut rss, |ctx, rss| {
            let mut d = deploy(1, i(0), i(1));
            d.spec.revision_history_limit = Some(limit);
            let old = rss.clone();
            cleanup_deployment(ctx, &old, &d).unwrap();
            let left: Vec<String> =
                ctx.store.list(kubeloop::api::Kind::ReplicaSet, None).map(|o| o.name().to_string()).collect();
            left
        })
    };
    let rs_status = |name: &str, spec: i32, status: i32, created: i64, rev: &str| {
        let mut r = rs(name, spec, 0, created);
        r.status.as_mut().unwrap().replicas = status;
        // Synced with its (store-assigned) generation 1, as the fixtures' RSs are with theirs.
        r.status.as_mut().unwrap().observed_generation = Some(1);
        if !rev.is_empty() {
            r.metadata.annotations = Some(BTreeMap::from([(REVISION.to_string(), rev.to_string())]));
        }
        r
    };
    // TestDeploymentController_cleanupDeployment: (RSs, limit) -> deletions
    let rows: Vec<(Vec<ReplicaSet>, i32, usize)> = vec![
        (vec![rs_status("foo-1", 0, 0, 0, ""), rs_status("foo-2", 0, 0, 0, ""), rs_status("foo-3", 0, 0, 0, "")], 1, 2),
        (
            vec![
                rs_status("foo-1", 0, 0, 0, ""),
                rs_status("foo-2", 0, 1, 0, ""),
                rs_status("foo-3", 1, 0, 0, ""),
                rs_status("foo-4", 1, 1, 0, ""),
            ],
            0,
            1,
        ),
        (vec![rs_status("foo-1", 0, 0, 0, ""), rs_status("foo-2", 0, 0, 0, "")], 0, 2),
        (vec![rs_status("foo-1", 1, 1, 0, ""), rs_status("foo-2", 1, 1, 0, "")], 0, 0),
        (
            vec![rs_status("foo-1", 0, 0, 0, ""), rs_status("foo-2", 0, 0, 0, ""), rs_status("foo-3", 0, 0, 0, "")],
            i32::MAX,
            0,
        ),
    ];
    for (n, (rss, limit, deletions)) in rows.into_iter().enumerate() {
        let before = rss.len();
        assert_eq!(before - count_after(rss, limit).len(), deletions, "row {n}");
    }
    // TestDeploymentController_cleanupDeploymentOrder: (name, spec, revision) in creation order, limit -> deleted
    type OrderRow<'a> = (Vec<(&'a str, i32, &'a str)>, i32, Vec<&'a str>);
    let rows: Vec<OrderRow> = vec![
        (vec![("foo-1", 0, "1"), ("foo-2", 0, "2")], 1, vec!["foo-1"]),
        (vec![("foo-1", 0, "2"), ("foo-2", 0, "1")], 1, vec!["foo-2"]),
        (vec![("foo-1", 0, "1"), ("foo-2", 0, "")], 1, vec!["foo-2"]),
        (vec![("foo-1", 0, ""), ("foo-2", 0, "2")], 1, vec!["foo-1"]),
        (vec![("foo-1", 1, "1"), ("foo-2", 0, "2"), ("foo-3", 0, "3")], 1, vec!["foo-2"]),
        (vec![("foo-1", 1, "1"), ("foo-2", 1, "2"), ("foo-3", 0, "3")], 1, vec![]),
        (vec![("foo-1", 0, "3"), ("foo-2", 0, "1"), ("foo-3", 0, "4"), ("foo-4", 0, "2")], 2, vec!["foo-2", "foo-4"]),
    ];
    for (n, (spec, limit, deleted)) in rows.into_iter().enumerate() {
        let rss: Vec<ReplicaSet> =
            spec.iter().enumerate().map(|(k, (name, r, rev))| rs_status(name, *r, *r, k as i64 * 60, rev)).collect();
        let left = count_after(rss, limit);
        let gone: Vec<&str> = spec.iter().map(|(n, _, _)| *n).filter(|n| !left.iter().any(|l| l == n)).collect();
        assert_eq!(gone, deleted, "order row {n}");
    }
}

#[test]
fn replica_set_names() {
    // TestGenerateReplicaSetName
    use kubeloop::controllers::deployment::sync::replica_set_name;
    assert_eq!(replica_set_name("my-deployment", "abcde12345"), "my-deployment-abcde12345");
    assert_eq!(replica_set_name(&"a".repeat(242), "abcde12345"), format!("{}-abcde12345", "a".repeat(242)));
    assert_eq!(replica_set_name(&"b".repeat(250), "abcde12345"), format!("{}-abcde12345", "b".repeat(242)));
    assert_eq!(
        replica_set_name(&"d".repeat(252), &"h".repeat(252)),
        format!("{}-{}", "d".repeat(252), "h".repeat(252))
    );
}

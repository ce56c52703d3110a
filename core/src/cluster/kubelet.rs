//! The kubelet, without containers: each pod bound to a node moves through image pull,
//! container start, readiness, exit, restart back-off and graceful termination on a
//! virtual timeline set by `sim.kubeloop.dev/*` annotations on the pod (its template).
//! Status shapes, reasons and events follow pkg/kubelet (kubelet_pods.go getPhase,
//! status/generate.go, images/image_manager.go, kuberuntime doBackOff).

use crate::api::defaults::image_tag;
use crate::api::ObjKey;
use crate::api::{pod, Kind, Object};
use crate::kinds::pod::Pod;
use crate::sim::controller::{key_of, Controller, Ctx};
use crate::store::{DeleteOptions, Store, WatchEvent, WatchType};
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, HostIP,
    PodCondition, PodIP,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub const NAME: &str = "kubelet";
const PREFIX: &str = "sim.kubeloop.dev/";
const INITIAL_BACKOFF_MS: i64 = 10_000;
const MAX_BACKOFF_MS: i64 = 300_000;
/// A container that ran this long before exiting restarts without back-off.
const BACKOFF_RESET_MS: i64 = 600_000;

/// Behaviour knobs read from the pod's annotations.
#[derive(Clone, Debug, PartialEq)]
pub struct Knobs {
    pub pull_ms: i64,
    pub start_ms: i64,
    pub never_ready: bool,
    pub pull_fails: bool,
    pub crash_after_ms: Option<i64>,
    pub run_ms: Option<i64>,
    pub exit_code: i32,
    pub shutdown_ms: i64,
    /// How long each init container runs before it exits 0.
    pub init_ms: i64,
}

fn seconds_ms(v: &str) -> Option<i64> {
    let f: f64 = v.trim().parse().ok()?;
    (f.is_finite() && (0.0..=31_536_000.0).contains(&f)).then(|| (f * 1000.0).round() as i64)
}

impl Knobs {
    pub fn from_pod(p: &Pod) -> Knobs {
        let a = p.metadata.annotations.as_ref();
        let get = |k: &str| {
            a.and_then(|a| a.iter().find(|(key, _)| key.strip_prefix(PREFIX) == Some(k))).map(|(_, v)| v.as_str())
        };
        Knobs {
            pull_ms: get("pull-seconds").and_then(seconds_ms).unwrap_or(1000),
            start_ms: get("start-seconds").and_then(seconds_ms).unwrap_or(1000),
            never_ready: get("ready") == Some("never"),
            pull_fails: get("image-pull") == Some("fail"),
            crash_after_ms: get("crash-after-seconds").and_then(seconds_ms),
            run_ms: get("run-seconds").and_then(seconds_ms),
            exit_code: get("exit-code").and_then(|v| v.trim().parse().ok()).unwrap_or(0),
            shutdown_ms: get("shutdown-seconds").and_then(seconds_ms).unwrap_or(1000),
            init_ms: get("init-seconds").and_then(seconds_ms).unwrap_or(1000),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Pulling {
        until: i64,
    },
    /// The pull failed at `at`; shown as ErrImagePull, then ImagePullBackOff until `retry_at`.
    PullBackOff {
        at: i64,
        retry_at: i64,
        /// The BackOff events go out once the status shows ImagePullBackOff.
        reported: bool,
    },
    /// imagePullPolicy Never and the node lacks the image.
    NeverPull,
    /// Waiting for the init containers (PodInitializing).
    Blocked,
    Creating {
        until: i64,
    },
    Running {
        since: i64,
        ready_at: Option<i64>,
        exit: Option<(i64, i32)>,
    },
    CrashBackOff {
        until: i64,
    },
    Done,
}

#[derive(Clone, Debug)]
struct Terminated {
    code: i32,
    started: i64,
    finished: i64,
}

#[derive(Clone, Debug)]
struct Ctr {
    name: String,
    image: String,
    phase: Phase,
    restarts: i32,
    /// flowcontrol.Backoff entry for restarts: current period and when it was set.
    backoff: Option<(i64, i64)>,
    pull_backoff_ms: i64,
    last: Option<Terminated>,
    current: Option<Terminated>,
    ever_started: bool,
    /// The runtime's id of the current container: 64 hex digits, kept as their bits.
    id: [u64; 4],
}

impl Ctr {
    /// An init container that ran to completion.
    fn succeeded(&self) -> bool {
        matches!(self.phase, Phase::Done) && self.current.as_ref().is_some_and(|t| t.code == 0)
    }
}

#[derive(Clone, Debug)]
struct PodRun {
    uid: String,
    started_ms: i64,
    ip: String,
    ctrs: Vec<Ctr>,
    /// Init containers, run one after another before `ctrs` start.
    inits: Vec<Ctr>,
    kill_at: Option<i64>,
    /// When a never-ready container's first readiness probe fails.
    unhealthy_at: Option<i64>,
    unhealthy_reported: bool,
}

/// The pod a sync is about: the stored object, its Pod, and its node.
struct PodView<'a> {
    obj: &'a Object,
    pod: &'a Pod,
    node: &'a str,
}

#[derive(Default)]
pub struct Kubelet {
    pods: HashMap<ObjKey, PodRun>,
    /// Images each node has pulled.
    images: HashSet<(String, String)>,
    next_ip: HashMap<String, u32>,
    subnets: HashMap<String, usize>,
}

impl Controller for Kubelet {
    fn name(&self) -> &'static str {
        NAME
    }
    fn watches(&self) -> &'static [Kind] {
        &[Kind::Pod]
    }
    fn owns(&self) -> &'static [Kind] {
        &[Kind::Pod, Kind::Event]
    }

    fn keys_for(&mut self, ev: &WatchEvent, _store: &Store, out: &mut Vec<ObjKey>) {
        if ev.object.kind() != Kind::Pod {
            return;
        }
        let key = key_of(&ev.object);
        if ev.kind == WatchType::Deleted {
            self.pods.remove(&key);
            return;
        }
        if ev.object.as_pod().is_some_and(|p| !pod::node_name(p).is_empty()) {
            out.push(key);
        }
    }

    fn sync(&mut self, key: &ObjKey, ctx: &mut Ctx) -> Result<(), String> {
        let Some(obj) = ctx.store.get(key).cloned() else {
            self.pods.remove(key);
            return Ok(());
        };
        let Some(p) = obj.as_pod() else { return Ok(()) };
        let node = pod::node_name(p).to_string();
        if node.is_empty() {
            return Ok(());
        }
        let now = ctx.now_ms();
        let knobs = Knobs::from_pod(p);
        let uid = obj.uid().to_string();
        let known = self.pods.get(key).is_some_and(|r| r.uid == uid);
        if !known && obj.is_deleting() && matches!(pod::phase(p), "Succeeded" | "Failed") {
            // Terminated here already (a finalizer keeps the object): nothing to run again;
            // the status manager asks for the final delete once more.
            let final_delete = DeleteOptions { grace_period_seconds: Some(0), propagation: None };
            return ctx.store.delete(key, final_delete, NAME).map(|_| ()).map_err(|e| e.to_string());
        }
        if !known {
            let run = self.admit(ctx, &PodView { obj: &obj, pod: p, node: &node }, &knobs);
            self.pods.insert(key.clone(), run);
        }
        let mut run = self.pods.remove(key).expect("pod run present");
        let view = PodView { obj: &obj, pod: p, node: &node };
        let result = self.drive(ctx, &view, &knobs, &mut run, now);
        if run.kill_at.is_some_and(|k| k <= now) {
            self.pods.remove(key);
            // The containers have stopped: the kubelet writes the terminal phase, then
            // removes the pod (status manager canBeDeleted -> DELETE with grace 0).
            for c in run.ctrs.iter_mut() {
                if let Phase::Running { since, .. } = c.phase {
                    c.current = Some(Terminated { code: 0, started: since, finished: now });
                }
                c.phase = Phase::Done;
            }
            let status = self.status(ctx, p, &node, &run, now, true);
            if p.status.as_ref() != Some(&status) {
                let copy = with_status(p, status);
                ctx.store.update(Object::Pod(Box::new(copy)), NAME).map_err(|e| e.to_string())?;
            }
            return ctx
                .store
                .delete(&obj.key(), DeleteOptions { grace_period_seconds: Some(0), propagation: None }, NAME)
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
        if let Some(next) = next_due(&run, now) {
            ctx.requeue_after(next - now, key.clone());
        }
        self.pods.insert(key.clone(), run);
        result
    }
}

impl Kubelet {
    fn admit(&mut self, ctx: &mut Ctx, v: &PodView, knobs: &Knobs) -> PodRun {
        let (obj, p, node) = (v.obj, v.pod, v.node);
        let now = ctx.now_ms();
        // Each node gets its own pod CIDR (10.244.N.0/24) the first time a pod lands there.
        let next_subnet = self.subnets.len();
        let idx = *self
            .subnets
            .entry(node.to_string())
            .or_insert_with(|| crate::cluster::nodes::node_index(ctx.store, node).max(next_subnet));
        let n = self.next_ip.entry(node.to_string()).or_insert(1);
        *n += 1;
        let ip = format!("10.244.{}.{}", idx, *n % 250 + 2);
        let spec = p.spec.as_ref();
        let new_ctr = |c: &k8s_openapi::api::core::v1::Container| Ctr {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            phase: Phase::Blocked,
            restarts: 0,
            backoff: None,
            pull_backoff_ms: 0,
            last: None,
            current: None,
            ever_started: false,
            id: [0; 4],
        };
        let mut inits: Vec<Ctr> =
            spec.and_then(|s| s.init_containers.as_ref()).into_iter().flatten().map(new_ctr).collect();
        let mut ctrs: Vec<Ctr> = spec.into_iter().flat_map(|s| &s.containers).map(new_ctr).collect();
        // Init containers run first, one at a time; the others wait (PodInitializing).
        let first: Vec<&mut Ctr> = match inits.first_mut() {
            Some(c) => vec![c],
            None => ctrs.iter_mut().collect(),
        };
        for c in first {
            c.phase = self.begin_pull(ctx, v, &c.image.clone(), knobs, now);
        }
        PodRun {
            uid: obj.uid().to_string(),
            started_ms: now,
            ip,
            ctrs,
            inits,
            kill_at: None,
            unhealthy_at: None,
            unhealthy_reported: false,
        }
    }

    /// EnsureImageExists: pull unless the node has the image and the policy allows reuse.
    fn begin_pull(&mut self, ctx: &mut Ctx, v: &PodView, image: &str, knobs: &Knobs, now: i64) -> Phase {
        let (obj, p, node) = (v.obj, v.pod, v.node);
        let policy = p
            .spec
            .as_ref()
            .and_then(|s| s.containers.iter().find(|c| c.image.as_deref() == Some(image)))
            .and_then(|c| c.image_pull_policy.clone())
            .unwrap_or_else(|| if image_tag(image) == "latest" { "Always".into() } else { "IfNotPresent".into() });
        let present = self.images.contains(&(node.to_string(), image.to_string()));
        if policy == "Never" && !present {
            let msg = format!("Container image {image:?} is not present with pull policy of Never");
            ctx.event(obj, "Warning", "ErrImageNeverPull", msg.clone());
            ctx.event(obj, "Warning", "Failed", "Error: ErrImageNeverPull".to_string());
            return Phase::NeverPull;
        }
        if present && policy != "Always" {
            ctx.event(obj, "Normal", "Pulled", format!("Container image {image:?} already present on machine"));
            return Phase::Creating { until: now + knobs.start_ms };
        }
        ctx.event(obj, "Normal", "Pulling", format!("Pulling image {image:?}"));
        Phase::Pulling { until: now + knobs.pull_ms }
    }

    fn drive(&mut self, ctx: &mut Ctx, v: &PodView, knobs: &Knobs, run: &mut PodRun, now: i64) -> Result<(), String> {
        let (obj, p, node) = (v.obj, v.pod, v.node);
        let policy = pod::restart_policy(p).to_string();
        if p.metadata.deletion_timestamp.is_some() && run.kill_at.is_none() {
            let grace_ms = p.metadata.deletion_grace_period_seconds.unwrap_or(30).max(0).saturating_mul(1000);
            let any_running = run.ctrs.iter().any(|c| matches!(c.phase, Phase::Running { .. }));
            for c in run.ctrs.iter().filter(|c| matches!(c.phase, Phase::Running { .. })) {
                ctx.event(obj, "Normal", "Killing", format!("Stopping container {}", c.name));
            }
            run.kill_at = Some(now + if any_running { knobs.shutdown_ms.min(grace_ms) } else { 0 });
        }
        if run.kill_at.is_some() {
            return Ok(());
        }
        // Init containers: each runs to completion (init-seconds) before the next starts.
        let init_knobs = Knobs {
            crash_after_ms: None,
            run_ms: Some(knobs.init_ms),
            exit_code: 0,
            never_ready: false,
            ..knobs.clone()
        };
        let init_policy = if policy == "Never" { "Never" } else { "OnFailure" };
        let mut n = 0;
        while n < run.inits.len() {
            for _ in 0..64 {
                if !self.advance(ctx, v, &init_knobs, init_policy, &mut run.inits[n], now) {
                    break;
                }
            }
            if !run.inits[n].succeeded() {
                break;
            }
            let finished = run.inits[n].current.as_ref().map_or(now, |t| t.finished);
            n += 1;
            let next: Vec<&mut Ctr> = match run.inits.get_mut(n) {
                Some(c) => vec![c],
                None => run.ctrs.iter_mut().collect(),
            };
            for c in next.into_iter().filter(|c| c.phase == Phase::Blocked) {
                c.phase = self.begin_pull(ctx, v, &c.image.clone(), knobs, finished);
            }
        }
        for i in 0..run.ctrs.len() {
            for _ in 0..64 {
                if !self.advance(ctx, v, knobs, &policy, &mut run.ctrs[i], now) {
                    break;
                }
            }
        }
        if knobs.never_ready && run.unhealthy_at.is_none() {
            let probe = p.spec.as_ref().and_then(|s| s.containers.first()).and_then(|c| c.readiness_probe.as_ref());
            if let (Some(probe), Some(Phase::Running { since, .. })) = (probe, run.ctrs.first().map(|c| &c.phase)) {
                run.unhealthy_at = Some(since + i64::from(probe.initial_delay_seconds.unwrap_or(0).max(0)) * 1000);
            }
        }
        if run.unhealthy_at.is_some_and(|at| at <= now) && !run.unhealthy_reported {
            run.unhealthy_reported = true;
            ctx.event(
                obj,
                "Warning",
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503".to_string(),
            );
        }
        let status = self.status(ctx, p, node, run, now, false);
        if p.status.as_ref() != Some(&status) {
            let copy = with_status(p, status);
            ctx.store.update(Object::Pod(Box::new(copy)), NAME).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Applies the transition due for one container, if any; true when something changed.
    fn advance(&mut self, ctx: &mut Ctx, v: &PodView, knobs: &Knobs, policy: &str, c: &mut Ctr, now: i64) -> bool {
        let (obj, p, node) = (v.obj, v.pod, v.node);
        match c.phase.clone() {
            Phase::Pulling { until } if until <= now => {
                if knobs.pull_fails {
                    let err = format!(
                        "rpc error: code = NotFound desc = failed to pull and unpack image {:?}: not found",
                        c.image
                    );
                    ctx.event(obj, "Warning", "Failed", format!("Failed to pull image {:?}: {err}", c.image));
                    ctx.event(obj, "Warning", "Failed", "Error: ErrImagePull".to_string());
                    c.pull_backoff_ms = if c.pull_backoff_ms == 0 {
                        INITIAL_BACKOFF_MS
                    } else {
                        (c.pull_backoff_ms * 2).min(MAX_BACKOFF_MS)
                    };
                    c.phase = Phase::PullBackOff { at: until, retry_at: until + c.pull_backoff_ms, reported: false };
                } else {
                    self.images.insert((node.to_string(), c.image.clone()));
                    let secs = format_secs(knobs.pull_ms);
                    ctx.event(
                        obj,
                        "Normal",
                        "Pulled",
                        format!("Successfully pulled image {:?} in {secs} ({secs} including waiting)", c.image),
                    );
                    c.phase = Phase::Creating { until: until + knobs.start_ms };
                }
                true
            }
            Phase::PullBackOff { at, retry_at, reported: false } if at + 1000 <= now && retry_at > now => {
                ctx.event(obj, "Normal", "BackOff", format!("Back-off pulling image {:?}", c.image));
                ctx.event(obj, "Warning", "Failed", "Error: ImagePullBackOff".to_string());
                c.phase = Phase::PullBackOff { at, retry_at, reported: true };
                true
            }
            Phase::PullBackOff { retry_at, .. } if retry_at <= now => {
                ctx.event(obj, "Normal", "Pulling", format!("Pulling image {:?}", c.image));
                c.phase = Phase::Pulling { until: retry_at + knobs.pull_ms };
                true
            }
            Phase::Creating { until } if until <= now => {
                let rng = &mut ctx.store.rng;
                c.id = std::array::from_fn(|_| rng.next_u64());
                ctx.event(obj, "Normal", "Created", format!("Created container: {}", c.name));
                ctx.event(obj, "Normal", "Started", format!("Started container {}", c.name));
                c.ever_started = true;
                c.current = None;
                let exit = match (knobs.crash_after_ms, knobs.run_ms) {
                    (Some(ms), _) => Some((until + ms, 1)),
                    (None, Some(ms)) => Some((until + ms, knobs.exit_code)),
                    _ => None,
                };
                c.phase = Phase::Running { since: until, ready_at: ready_at(p, &c.name, knobs, until), exit };
                true
            }
            Phase::Running { since, exit: Some((at, code)), .. } if at <= now => {
                let term = Terminated { code, started: since, finished: at };
                let restart = policy == "Always" || (policy == "OnFailure" && code != 0);
                c.last = Some(term.clone());
                c.current = Some(term);
                if !restart {
                    c.phase = Phase::Done;
                    return true;
                }
                // doBackOff: no entry (or an expired one) restarts at once.
                let in_backoff = c.backoff.is_some_and(|(_, set_at)| at - set_at <= BACKOFF_RESET_MS);
                if in_backoff {
                    let (period, _) = c.backoff.unwrap_or((INITIAL_BACKOFF_MS, at));
                    ctx.event(
                        obj,
                        "Warning",
                        "BackOff",
                        format!(
                            "Back-off restarting failed container {} in pod {}_{}({})",
                            c.name,
                            obj.name(),
                            obj.namespace(),
                            obj.uid()
                        ),
                    );
                    c.phase = Phase::CrashBackOff { until: at + period };
                } else {
                    c.backoff = Some((INITIAL_BACKOFF_MS, at));
                    c.restarts += 1;
                    c.phase = self.begin_pull(ctx, v, &c.image.clone(), knobs, at);
                }
                true
            }
            Phase::CrashBackOff { until } if until <= now => {
                let period = c.backoff.map(|(p, _)| (p * 2).min(MAX_BACKOFF_MS)).unwrap_or(INITIAL_BACKOFF_MS);
                c.backoff = Some((period, until));
                c.restarts += 1;
                c.phase = self.begin_pull(ctx, v, &c.image.clone(), knobs, until);
                true
            }
            _ => false,
        }
    }

    fn status(
        &self,
        ctx: &Ctx,
        p: &Pod,
        node: &str,
        run: &PodRun,
        now: i64,
        terminal: bool,
    ) -> k8s_openapi::api::core::v1::PodStatus {
        let clock = ctx.store.clock;
        let t = |ms: i64| Time(crate::api::time::truncate(clock.at(ms)));
        let old_conditions = p.status.as_ref().and_then(|s| s.conditions.as_ref());
        let host_ip = ctx
            .store
            .get_named(Kind::Node, "", node)
            .and_then(|n| {
                n.as_node()?
                    .status
                    .as_ref()?
                    .addresses
                    .as_ref()?
                    .iter()
                    .find(|a| a.type_ == "InternalIP")
                    .map(|a| a.address.clone())
            })
            .unwrap_or_default();
        let pod_ref_ms = run.started_ms;
        let creating = if run.inits.is_empty() { "ContainerCreating" } else { "PodInitializing" };
        let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
        let mut unready = Vec::new();
        // Exact capacity: a ContainerStatus is 752 bytes, and a Vec grown by push keeps room for four.
        let mut statuses = Vec::with_capacity(run.ctrs.len());
        for c in &run.ctrs {
            let (cs, tally) = container_status(c, p, &run.uid, now, &t, creating);
            match tally {
                Tally::Running => running += 1,
                Tally::Waiting => waiting += 1,
                Tally::Stopped { ok } => {
                    stopped += 1;
                    if ok {
                        succeeded += 1;
                    }
                }
            }
            if !cs.ready {
                unready.push(c.name.clone());
            }
            statuses.push(cs);
        }
        // A completed init container reports ready.
        let init_statuses: Vec<ContainerStatus> = run
            .inits
            .iter()
            .map(|c| ContainerStatus { ready: c.succeeded(), ..container_status(c, p, &run.uid, now, &t, creating).0 })
            .collect();
        let incomplete: Vec<String> = run.inits.iter().filter(|c| !c.succeeded()).map(|c| c.name.clone()).collect();
        let policy = pod::restart_policy(p);
        // getPhase.
        let init_failed = run.inits.iter().any(|c| matches!(c.phase, Phase::Done) && !c.succeeded());
        let phase = if init_failed && policy == "Never" {
            "Failed"
        } else if waiting > 0 {
            "Pending"
        } else if running > 0 {
            "Running"
        } else if stopped > 0 {
            if terminal {
                if stopped == succeeded {
                    "Succeeded"
                } else {
                    "Failed"
                }
            } else if policy == "Always" {
                "Running"
            } else if stopped == succeeded {
                "Succeeded"
            } else if policy == "Never" {
                "Failed"
            } else {
                "Running"
            }
        } else {
            "Pending"
        };
        let terminal = matches!(phase, "Succeeded" | "Failed");
        let all_ready = unready.is_empty() && !terminal;
        let keep = |kind: &str, status: &str| {
            old_conditions
                .into_iter()
                .flatten()
                .find(|c| c.type_ == kind && c.status == status)
                .and_then(|c| c.last_transition_time.clone())
        };
        let cond = |kind: &str, ok: bool, reason: Option<String>, message: Option<String>| {
            let status = if ok { "True" } else { "False" };
            PodCondition {
                type_: kind.into(),
                status: status.into(),
                last_transition_time: keep(kind, status).or_else(|| Some(t(now))),
                reason: if ok { None } else { reason },
                message: if ok { None } else { message },
                ..Default::default()
            }
        };
        let (reason, message) = if terminal {
            (Some(if phase == "Succeeded" { "PodCompleted" } else { "PodFailed" }.to_string()), None)
        } else {
            (
                Some("ContainersNotReady".to_string()),
                Some(format!("containers with unready status: [{}]", unready.join(" "))),
            )
        };
        let scheduled = old_conditions
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "PodScheduled")
            .cloned()
            .unwrap_or_else(|| cond("PodScheduled", true, None, None));
        let conditions = vec![
            cond("PodReadyToStartContainers", !terminal, None, None),
            cond(
                "Initialized",
                incomplete.is_empty() || terminal,
                Some("ContainersNotInitialized".into()),
                Some(format!("containers with incomplete status: [{}]", incomplete.join(" "))),
            ),
            cond("Ready", all_ready, reason.clone(), message.clone()),
            cond("ContainersReady", all_ready, reason, message),
            scheduled,
        ];
        k8s_openapi::api::core::v1::PodStatus {
            phase: Some(phase.into()),
            conditions: Some(conditions),
            host_ip: Some(host_ip.clone()),
            host_ips: Some(vec![HostIP { ip: host_ip }]),
            pod_ip: Some(run.ip.clone()),
            pod_ips: Some(vec![PodIP { ip: run.ip.clone() }]),
            start_time: Some(t(pod_ref_ms)),
            container_statuses: Some(statuses),
            init_container_statuses: (!init_statuses.is_empty()).then_some(init_statuses),
            qos_class: Some(pod::qos_class(p).into()),
            ..Default::default()
        }
    }
}

/// The pod with a new status, without copying the old one first.
fn with_status(p: &Pod, status: k8s_openapi::api::core::v1::PodStatus) -> Pod {
    p.with_status(status)
}

fn terminated(term: &Terminated, t: &dyn Fn(i64) -> Time) -> ContainerStateTerminated {
    ContainerStateTerminated {
        exit_code: term.code,
        reason: Some(if term.code == 0 { "Completed" } else { "Error" }.into()),
        started_at: Some(t(term.started)),
        finished_at: Some(t(term.finished)),
        ..Default::default()
    }
}

/// How a container counts toward the pod phase (getPhase's running/waiting/stopped).
enum Tally {
    Running,
    Waiting,
    Stopped { ok: bool },
}

/// One container's status. `creating` is the waiting reason before it first runs:
/// ContainerCreating, or PodInitializing in a pod with init containers.
fn container_status(
    c: &Ctr,
    p: &Pod,
    pod_uid: &str,
    now: i64,
    t: &dyn Fn(i64) -> Time,
    creating: &str,
) -> (ContainerStatus, Tally) {
    let mut tally = Tally::Waiting;
    let mut cs = ContainerStatus {
        name: c.name.clone(),
        image: c.image.clone(),
        image_id: if c.ever_started { image_id(&c.image) } else { String::new() },
        restart_count: c.restarts,
        ready: false,
        started: Some(false),
        ..Default::default()
    };
    if c.ever_started {
        let [a, b, c2, d] = c.id;
        cs.container_id = Some(format!("containerd://{a:016x}{b:016x}{c2:016x}{d:016x}"));
    }
    if let Some(l) = c.last.as_ref().filter(|_| c.restarts > 0 || !matches!(c.phase, Phase::Done)) {
        if c.current.is_none() || c.restarts > 0 {
            cs.last_state = Some(ContainerState { terminated: Some(terminated(l, t)), ..Default::default() });
        }
    }
    let waiting_state = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(ContainerStateWaiting { reason: Some(reason.into()), message }),
        ..Default::default()
    };
    match &c.phase {
        Phase::Pulling { .. } | Phase::Creating { .. } => {
            if let Some(cur) = &c.current {
                cs.state = Some(ContainerState { terminated: Some(terminated(cur, t)), ..Default::default() });
                cs.last_state = None;
                tally = Tally::Stopped { ok: cur.code == 0 };
            } else {
                cs.state = Some(waiting_state(creating, None));
                if c.last.is_some() {
                    tally = Tally::Stopped { ok: false };
                }
            }
        }
        Phase::Blocked => {
            cs.state = Some(waiting_state("PodInitializing", None));
        }
        Phase::NeverPull => {
            let msg = format!("Container image {:?} is not present with pull policy of Never", c.image);
            cs.state = Some(waiting_state("ErrImageNeverPull", Some(msg)));
        }
        Phase::PullBackOff { at, .. } => {
            let (reason, msg) = if now < at + 1000 {
                (
                    "ErrImagePull",
                    format!(
                        "rpc error: code = NotFound desc = failed to pull and unpack image {:?}: not found",
                        c.image
                    ),
                )
            } else {
                ("ImagePullBackOff", format!("Back-off pulling image {:?}", c.image))
            };
            cs.state = Some(waiting_state(reason, Some(msg)));
            if c.last.is_some() {
                tally = Tally::Stopped { ok: false };
            }
        }
        Phase::Running { since, ready_at, .. } => {
            tally = Tally::Running;
            cs.started = Some(true);
            cs.ready = ready_at.is_some_and(|r| r <= now);
            cs.state = Some(ContainerState {
                running: Some(ContainerStateRunning { started_at: Some(t(*since)) }),
                ..Default::default()
            });
        }
        Phase::CrashBackOff { until } => {
            let period = until - c.last.as_ref().map(|l| l.finished).unwrap_or(*until);
            let msg = format!(
                "back-off {} restarting failed container={} pod={}_{}({})",
                go_duration(period),
                c.name,
                p.metadata.name.as_deref().unwrap_or(""),
                p.metadata.namespace.as_deref().unwrap_or(""),
                pod_uid
            );
            cs.state = Some(waiting_state("CrashLoopBackOff", Some(msg)));
            tally = Tally::Stopped { ok: c.last.as_ref().is_some_and(|l| l.code == 0) };
        }
        Phase::Done => {
            let mut ok = false;
            if let Some(cur) = &c.current {
                cs.state = Some(ContainerState { terminated: Some(terminated(cur, t)), ..Default::default() });
                cs.last_state = None;
                ok = cur.code == 0;
            }
            tally = Tally::Stopped { ok };
        }
    }
    (cs, tally)
}

/// When readiness first passes: at once without a probe; with one, at the first probe
/// period at or after initialDelaySeconds, successThreshold probes in a row.
fn ready_at(p: &Pod, container: &str, knobs: &Knobs, since: i64) -> Option<i64> {
    if knobs.never_ready {
        return None;
    }
    let probe =
        p.spec.as_ref()?.containers.iter().find(|c| c.name == container).and_then(|c| c.readiness_probe.clone());
    let Some(probe) = probe else {
        return Some(since);
    };
    let period = i64::from(probe.period_seconds.unwrap_or(10).max(1)) * 1000;
    let delay = i64::from(probe.initial_delay_seconds.unwrap_or(0).max(0)) * 1000;
    let first = (delay + period - 1) / period * period;
    let threshold = i64::from(probe.success_threshold.unwrap_or(1).max(1));
    Some(since + first + (threshold - 1) * period)
}

/// The next instant after `now` at which this pod's state changes.
fn next_due(run: &PodRun, now: i64) -> Option<i64> {
    if let Some(k) = run.kill_at {
        return Some(k);
    }
    run.ctrs
        .iter()
        .chain(run.inits.iter())
        .flat_map(|c| match &c.phase {
            Phase::Pulling { until } | Phase::Creating { until } | Phase::CrashBackOff { until } => vec![*until],
            Phase::PullBackOff { at, retry_at, .. } => vec![at + 1000, *retry_at],
            Phase::NeverPull | Phase::Blocked => vec![],
            Phase::Running { ready_at, exit, .. } => ready_at.iter().copied().chain(exit.map(|(t, _)| t)).collect(),
            Phase::Done => vec![],
        })
        .chain(run.unhealthy_at.filter(|_| !run.unhealthy_reported))
        .filter(|t| *t > now)
        .min()
}

/// A stable digest-style image ID: `docker.io/library/nginx@sha256:...` for `nginx:1.25`.
fn image_id(image: &str) -> String {
    let name = image.split('@').next().unwrap_or(image);
    let repo = match name.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => name,
    };
    let repo = match repo.split_once('/') {
        None => format!("docker.io/library/{repo}"),
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => repo.to_string(),
        Some(_) => format!("docker.io/{repo}"),
    };
    let mut digest = String::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0..4u8 {
        for b in image.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        digest.push_str(&format!("{h:016x}"));
    }
    format!("{repo}@sha256:{digest}")
}

/// Go's time.Duration.String for whole seconds: 10s, 1m20s, 5m0s.
pub fn go_duration(ms: i64) -> String {
    let s = ms / 1000;
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{}h{}m{}s", s / 3600, s % 3600 / 60, s % 60)
    }
}

fn format_secs(ms: i64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.3}s", ms as f64 / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn image_ids() {
        assert!(super::image_id("nginx:1.25").starts_with("docker.io/library/nginx@sha256:"));
        assert!(super::image_id("quay.io/org/app:v1").starts_with("quay.io/org/app@sha256:"));
        assert!(super::image_id("localhost:5000/app").starts_with("localhost:5000/app@sha256:"));
        assert_eq!(super::image_id("nginx:1.25").len(), "docker.io/library/nginx@sha256:".len() + 64);
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(300_000), "5m0s");
    }
}

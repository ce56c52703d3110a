//! What kubectl waits for (`rollout status`, `delete --wait`): a condition over the
//! store. kubectl only states it; whoever drives virtual time (the script runner, the
//! app's console) advances the cluster until the condition holds or its timeout passes.

use super::Output;
use crate::api::{Kind, ObjKey};
use crate::controllers::deployment::util::REVISION;
use crate::store::Store;

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `rollout status`: prints each new status line until the rollout completes.
    Rollout { kind: Kind, namespace: String, name: String, watch: bool, revision: Option<i64>, last: String },
    /// `delete --wait`: until objects with these uids are gone (a controller may recreate
    /// an object under the same name).
    Deleted { objects: Vec<(ObjKey, String)> },
}

/// A condition and the virtual instant it gives up at.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    pub condition: Condition,
    pub deadline_ms: i64,
}

impl Wait {
    /// Checks the condition once: what to print now, and whether the wait is over.
    pub fn poll(&mut self, store: &Store) -> (Output, bool) {
        match &mut self.condition {
            Condition::Deleted { objects } => {
                (Output::default(), objects.iter().all(|(k, uid)| store.get(k).is_none_or(|o| o.uid() != uid)))
            }
            Condition::Rollout { kind, namespace, name, watch, revision, last } => {
                let Some(obj) = store.get_named(*kind, namespace, name) else {
                    return (Output::err("error: object has been deleted"), true);
                };
                let Some(d) = obj.as_deployment() else {
                    // StatefulSetStatusViewer takes no revision.
                    let line =
                        obj.as_stateful_set().map_or(Err(String::new()), super::rollout::stateful_set_status_line);
                    return progress(line, last, *watch);
                };
                if let Some(want) = revision.filter(|r| *r > 0) {
                    let running = d
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(REVISION))
                        .and_then(|r| r.parse::<i64>().ok())
                        .unwrap_or(0);
                    if running != want {
                        let msg = format!(
                            "error: desired revision ({want}) is different from the running revision ({running})"
                        );
                        return (Output::err(msg), true);
                    }
                }
                progress(super::rollout::status_line(d), last, *watch)
            }
        }
    }

    /// What kubectl prints when the deadline passes first.
    pub fn timed_out() -> Output {
        Output::err("error: timed out waiting for the condition")
    }
}

/// A status viewer's line printed once when it changes: done when the rollout is (or
/// at once without --watch), or on the viewer's error.
fn progress(line: Result<(String, bool), String>, last: &mut String, watch: bool) -> (Output, bool) {
    match line {
        Err(e) => (Output::err(e), true),
        Ok((line, done)) => {
            let mut out = Output::default();
            if line != *last {
                out.stdout.push_str(&line);
                *last = line;
            }
            (out, done || !watch)
        }
    }
}

/// A command's reply: what it printed, and what it still waits for, if anything.
#[derive(Debug, Default)]
pub struct Reply {
    pub output: Output,
    pub wait: Option<Wait>,
}

impl From<Output> for Reply {
    fn from(output: Output) -> Self {
        Reply { output, wait: None }
    }
}

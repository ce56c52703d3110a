//! The examples menu: manifests from the seed article (kept in `www/examples/`), some
//! with later versions applied at set virtual times, so a rollout, a stuck rollout or a
//! rollback plays out by itself.

/// One example: the text loaded first, then `(virtual ms, text)` steps applied in turn.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// Stable id (for links and tests).
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub steps: &'static [(i64, &'static str)],
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "rolling-update",
        title: "Rolling update (my-app)",
        text: include_str!("../../www/examples/rolling-update.yaml"),
        steps: &[],
    },
    Example {
        id: "recreate",
        title: "Recreate strategy",
        text: include_str!("../../www/examples/recreate.yaml"),
        steps: &[(30_000, include_str!("../../www/examples/recreate-v2.yaml"))],
    },
    Example {
        id: "stuck-rollout",
        title: "Stuck rollout (never ready)",
        text: include_str!("../../www/examples/stuck-rollout.yaml"),
        steps: &[(30_000, include_str!("../../www/examples/stuck-rollout-v2.yaml"))],
    },
    Example {
        id: "image-pull-backoff",
        title: "ImagePullBackOff",
        text: include_str!("../../www/examples/image-pull-backoff.yaml"),
        steps: &[],
    },
    Example {
        id: "rollback",
        title: "Rollback",
        text: include_str!("../../www/examples/rollback.yaml"),
        steps: &[
            (30_000, include_str!("../../www/examples/rollback-v2.yaml")),
            (90_000, include_str!("../../www/examples/rollback-v3.yaml")),
        ],
    },
    Example {
        id: "mysql",
        title: "StatefulSet with claims (mysql)",
        text: include_str!("../../www/examples/mysql.yaml"),
        steps: &[],
    },
    Example {
        id: "ordered-vs-parallel",
        title: "StatefulSet: OrderedReady vs Parallel",
        text: include_str!("../../www/examples/ordered-vs-parallel.yaml"),
        steps: &[],
    },
    Example {
        id: "partition",
        title: "StatefulSet: partitioned rollout",
        text: include_str!("../../www/examples/partition.yaml"),
        steps: &[
            (30_000, include_str!("../../www/examples/partition-v2.yaml")),
            (90_000, include_str!("../../www/examples/partition-v3.yaml")),
        ],
    },
    Example {
        id: "pending-no-storageclass",
        title: "Pending: no default StorageClass",
        text: include_str!("../../www/examples/pending-no-storageclass.yaml"),
        steps: &[],
    },
    Example {
        id: "pending-zone",
        title: "Pending: volume in another zone",
        text: include_str!("../../www/examples/pending-zone.yaml"),
        steps: &[],
    },
    Example {
        id: "pending-capacity",
        title: "Pending: storage capacity exhausted",
        text: include_str!("../../www/examples/pending-capacity.yaml"),
        steps: &[],
    },
];

/// The example the page opens with.
pub fn default_example() -> &'static Example {
    &EXAMPLES[0]
}

pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

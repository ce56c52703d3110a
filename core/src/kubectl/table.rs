//! Text layout as kubectl writes it: Go's text/tabwriter rules and HumanDuration.

/// tabwriter with minwidth, padding and space padding; the last cell of a line is never
/// padded, and a column's width is set per block of consecutive lines that have it.
pub fn tabwrite(lines: &[Vec<String>], minwidth: usize, padding: usize) -> String {
    let n = lines.len();
    let mut widths: Vec<Vec<usize>> = lines.iter().map(|l| vec![0; l.len().saturating_sub(1)]).collect();
    let max_cols = lines.iter().map(|l| l.len().saturating_sub(1)).max().unwrap_or(0);
    for c in 0..max_cols {
        let mut i = 0;
        while i < n {
            if lines[i].len() <= c + 1 {
                i += 1;
                continue;
            }
            let start = i;
            let mut w = minwidth;
            while i < n && lines[i].len() > c + 1 {
                w = w.max(lines[i][c].chars().count() + padding);
                i += 1;
            }
            for row in widths.iter_mut().take(i).skip(start) {
                row[c] = w;
            }
        }
    }
    let mut out = String::new();
    for (l, w) in lines.iter().zip(widths) {
        for (i, cell) in l.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < l.len() {
                out.extend(std::iter::repeat_n(' ', w[i].saturating_sub(cell.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

/// `kubectl get`'s table layout: minwidth 6, padding 3.
pub fn get_table(rows: &[Vec<String>]) -> String {
    tabwrite(rows, 6, 3)
}

/// duration.HumanDuration.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{dy}d", hours / 24 / 365) };
    }
    format!("{}y", hours / 24 / 365)
}

/// The AGE column: time since creation, as HumanDuration prints it.
pub fn age(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, v: &crate::kinds::View) -> String {
    match &meta.creation_timestamp {
        Some(t) => human_duration(v.now_ms - v.store.clock.ms_of(t)),
        None => "<unknown>".into(),
    }
}

/// The CONTAINERS and IMAGES columns of `-o wide`.
pub fn containers_images(t: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>) -> (String, String) {
    let cs = t.and_then(|t| t.spec.as_ref()).map(|s| s.containers.as_slice()).unwrap_or_default();
    (
        cs.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","),
        cs.iter().map(|c| c.image.as_deref().unwrap_or("")).collect::<Vec<_>>().join(","),
    )
}

/// A label selector as `-o wide`'s SELECTOR column prints it.
pub fn selector_string(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> String {
    let mut parts: Vec<String> = s.match_labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    for e in s.match_expressions.iter().flatten() {
        let vals = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        for (s, want) in [
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (600, "10m"),
            (10_799, "179m"),
            (10_800, "3h"),
            (11_100, "3h5m"),
            (28_800, "8h"),
            (172_800, "2d"),
            (183_600, "2d3h"),
            (691_200, "8d"),
            (63_072_000, "2y"),
        ] {
            assert_eq!(human_duration(s * 1000), want, "{s}");
        }
        assert_eq!(human_duration(-500), "0s");
    }

    #[test]
    fn tabwriter_like_kubectl() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".into(), "UP-TO-DATE".into(), "AVAILABLE".into(), "AGE".into()],
            vec!["deployment.apps/my-app".to_string(), "3/3".into(), "3".into(), "3".into(), "5m".into()],
        ];
        assert_eq!(
            get_table(&rows),
            "NAME                     READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/my-app   3/3     3            3           5m\n"
        );
    }
}

//! Label selectors: the API's `LabelSelector` and kubectl's `-l` string form.
//! Semantics from k8s.io/apimachinery/pkg/labels/selector.go.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A parsed selector; the empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    /// `LabelSelectorAsSelector(nil)` selects nothing.
    pub nothing: bool,
}

impl Selector {
    pub fn everything() -> Self {
        Selector::default()
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && !self.nothing
    }

    pub fn matches(&self, labels: Option<&Labels>) -> bool {
        if self.nothing {
            return false;
        }
        let empty = Labels::new();
        let labels = labels.unwrap_or(&empty);
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Converts an API selector; an unknown operator is an error (validation reports it first).
    pub fn from_label_selector(sel: &LabelSelector) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for (k, v) in sel.match_labels.iter().flatten() {
            requirements.push(Requirement::Equals(k.clone(), v.clone()));
        }
        for e in sel.match_expressions.iter().flatten() {
            let values = e.values.clone().unwrap_or_default();
            requirements.push(match e.operator.as_str() {
                "In" => Requirement::In(e.key.clone(), values),
                "NotIn" => Requirement::NotIn(e.key.clone(), values),
                "Exists" => Requirement::Exists(e.key.clone()),
                "DoesNotExist" => Requirement::DoesNotExist(e.key.clone()),
                op => return Err(format!("{op:?} is not a valid label selector operator")),
            });
        }
        Ok(Selector { requirements, nothing: false })
    }

    /// Parses kubectl's `-l` syntax: `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let req = if let Some(key) = part.strip_prefix('!') {
                Requirement::DoesNotExist(checked_key(key.trim())?)
            } else if let Some((k, v)) = part.split_once("!=") {
                Requirement::NotEquals(checked_key(k.trim())?, v.trim().to_string())
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Requirement::Equals(checked_key(k.trim())?, v.trim().to_string())
            } else if let Some((k, rest)) = split_set_op(part, " notin ") {
                Requirement::NotIn(checked_key(k)?, parse_set(rest)?)
            } else if let Some((k, rest)) = split_set_op(part, " in ") {
                Requirement::In(checked_key(k)?, parse_set(rest)?)
            } else {
                Requirement::Exists(checked_key(part)?)
            };
            requirements.push(req);
        }
        Ok(Selector { requirements, nothing: false })
    }
}

fn checked_key(k: &str) -> Result<String, String> {
    if k.is_empty() || k.contains(char::is_whitespace) {
        return Err(format!("unable to parse requirement: invalid label key {k:?}"));
    }
    Ok(k.to_string())
}

fn split_set_op<'a>(part: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let idx = part.find(op)?;
    Some((part[..idx].trim(), part[idx + op.len()..].trim()))
}

fn parse_set(rest: &str) -> Result<Vec<String>, String> {
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{rest}', expected: '('"))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// k8s-openapi holds a workload's `spec.selector` as a value, not a pointer as the API
/// does, so a manifest without one decodes to this marker (no matchLabels and an empty
/// matchExpressions list), which validation reports as upstream reports a nil selector.
/// A selector written as exactly `{matchExpressions: []}` reads as unset too.
pub fn unset() -> k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
    k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
        match_labels: None,
        match_expressions: Some(Vec::new()),
    }
}

/// Whether a selector is the [`unset`] marker.
pub fn is_unset(s: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector) -> bool {
    s.match_labels.is_none() && s.match_expressions.as_ref().is_some_and(Vec::is_empty)
}

/// Whether a manifest's `spec.selector` is given (not absent, not null).
pub fn given_in(value: &serde_json::Value) -> bool {
    value.get("spec").and_then(|s| s.get("selector")).is_some_and(|s| !s.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn kubectl_selector_syntax() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app in (web,api)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("!missing", true),
            ("app=web,tier=back", false),
            ("", true),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(Some(&l)), want, "{sel}");
        }
        assert!(Selector::parse("app in web").is_err());
    }

    #[test]
    fn match_expressions() {
        let sel = LabelSelector {
            match_labels: Some(labels(&[("app", "db")])),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "env".into(),
                    operator: "In".into(),
                    values: Some(vec!["prod".into()]),
                },
                LabelSelectorRequirement { key: "canary".into(), operator: "DoesNotExist".into(), values: None },
            ]),
        };
        let s = Selector::from_label_selector(&sel).unwrap();
        assert!(s.matches(Some(&labels(&[("app", "db"), ("env", "prod")]))));
        assert!(!s.matches(Some(&labels(&[("app", "db"), ("env", "prod"), ("canary", "1")]))));
        assert!(!s.matches(Some(&labels(&[("app", "db"), ("env", "dev")]))));
        assert!(!s.matches(None));
    }
}

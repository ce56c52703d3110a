//! Field errors as the API server renders them
//! (k8s.io/apimachinery/pkg/util/validation/field/errors.go, v1.34+ value rendering).

use serde_json::Value;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum ErrorType {
    Required,
    Invalid(Value),
    NotSupported(Value, Vec<&'static str>),
    Duplicate(Value),
    Forbidden,
}

/// One field error: path, type, and detail.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub path: String,
    pub kind: ErrorType,
    pub detail: String,
}

impl FieldError {
    pub fn required(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: ErrorType::Required, detail: detail.into() }
    }
    pub fn invalid(path: impl Into<String>, value: impl Into<Value>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: ErrorType::Invalid(value.into()), detail: detail.into() }
    }
    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: ErrorType::Forbidden, detail: detail.into() }
    }
    pub fn duplicate(path: impl Into<String>, value: impl Into<Value>) -> Self {
        FieldError { path: path.into(), kind: ErrorType::Duplicate(value.into()), detail: String::new() }
    }
    pub fn not_supported(path: impl Into<String>, value: impl Into<Value>, valid: &[&'static str]) -> Self {
        FieldError {
            path: path.into(),
            kind: ErrorType::NotSupported(value.into(), valid.to_vec()),
            detail: String::new(),
        }
    }

    /// `ErrorBody()`: everything after the path.
    pub fn body(&self) -> String {
        let with_detail = |head: String| {
            if self.detail.is_empty() {
                head
            } else {
                format!("{head}: {}", self.detail)
            }
        };
        match &self.kind {
            ErrorType::Required => with_detail("Required value".into()),
            ErrorType::Forbidden => with_detail("Forbidden".into()),
            ErrorType::Invalid(v) => with_detail(format!("Invalid value: {}", render(v))),
            ErrorType::Duplicate(v) => with_detail(format!("Duplicate value: {}", render(v))),
            ErrorType::NotSupported(v, valid) => {
                let list: Vec<String> = valid.iter().map(|s| format!("{s:?}")).collect();
                format!("Unsupported value: {}: supported values: {}", render(v), list.join(", "))
            }
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.body())
    }
}

/// Scalars as Go prints them (`-1`, `"My_App"`), anything else as compact JSON.
fn render(v: &Value) -> String {
    v.to_string()
}

/// kubectl's rendering of a 422 Invalid: one error on the same line, several as a list.
pub fn invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for e in errors {
        let s = e.to_string();
        if !lines.contains(&s) {
            lines.push(s);
        }
    }
    match lines.as_slice() {
        [one] => format!("The {kind} {name:?} is invalid: {one}"),
        many => {
            let mut s = format!("The {kind} {name:?} is invalid: ");
            for l in many {
                s.push_str("\n* ");
                s.push_str(l);
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_like_the_api_server() {
        assert_eq!(
            FieldError::invalid("spec.replicas", -1, "must be greater than or equal to 0").to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(FieldError::required("spec.selector", "").to_string(), "spec.selector: Required value");
        assert_eq!(
            FieldError::not_supported("spec.template.spec.restartPolicy", "Never", &["Always"]).to_string(),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        );
        assert_eq!(
            FieldError::invalid("spec.template.metadata.labels", json!({"app": "x"}), "`selector` does not match template `labels`").to_string(),
            "spec.template.metadata.labels: Invalid value: {\"app\":\"x\"}: `selector` does not match template `labels`"
        );
        let two = [FieldError::required("a", ""), FieldError::required("b", "")];
        assert_eq!(
            invalid_message("Deployment", "web", &two),
            "The Deployment \"web\" is invalid: \n* a: Required value\n* b: Required value"
        );
    }
}

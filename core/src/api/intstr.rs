//! Int-or-percent values such as maxSurge "25%".
//! From k8s.io/apimachinery/pkg/util/intstr/intstr.go GetScaledValueFromIntOrPercent.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Resolves `value` against `total`, rounding a percentage up or down.
pub fn scaled_value(value: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match value {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let pct = parse_percent(s).ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            let scaled = i64::from(pct) * i64::from(total);
            let v = if round_up { (scaled + 99).div_euclid(100) } else { scaled.div_euclid(100) };
            Ok(v as i32)
        }
    }
}

/// `"25%"` -> 25; anything else (including `"25"`) is not a percentage.
pub fn parse_percent(s: &str) -> Option<i32> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 9 {
        return None;
    }
    digits.parse().ok()
}

pub fn display(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from intstr_test.go TestGetScaledValueFromIntOrPercent.
    #[test]
    fn scaled_values() {
        let s = |v: &str| IntOrString::String(v.into());
        assert_eq!(scaled_value(&IntOrString::Int(123), 0, false), Ok(123));
        assert_eq!(scaled_value(&s("90%"), 100, false), Ok(90));
        assert_eq!(scaled_value(&s("50%"), 3, true), Ok(2));
        assert_eq!(scaled_value(&s("50%"), 3, false), Ok(1));
        assert_eq!(scaled_value(&s("25%"), 10, true), Ok(3));
        assert_eq!(scaled_value(&s("25%"), 10, false), Ok(2));
        assert_eq!(scaled_value(&s("0%"), 10, true), Ok(0));
        assert!(scaled_value(&s("%"), 10, true).is_err());
        assert!(scaled_value(&s("12"), 10, true).is_err());
    }
}

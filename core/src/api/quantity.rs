//! Resource quantities ("500m", "2", "16Gi") reduced to integers the scheduler can add.
//! Suffixes from k8s.io/apimachinery/pkg/api/resource/suffix.go.

/// Parses a quantity into thousandths of its unit (millicores, or milli-bytes), rounding up
/// as the API server's `MilliValue` does.
pub fn parse_milli(q: &str) -> Option<i128> {
    let q = q.trim();
    let split = q.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    if num.is_empty() || num == "." {
        return None;
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    let negative = int_part.starts_with('-');
    let int_digits = int_part.trim_start_matches(['+', '-']);
    if !int_digits.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if int_digits.len() + frac_part.len() > 30 {
        return None;
    }
    // value = mantissa / 10^frac_len, in units of the suffix
    let mantissa: i128 = format!("{int_digits}{frac_part}").parse().unwrap_or(0);
    let frac_len = frac_part.len() as u32;
    let (mul, div): (i128, i128) = match suffix {
        "" => (1000, 1),
        "m" => (1, 1),
        "n" => (1, 1_000_000),
        "u" => (1, 1000),
        "k" => (1000 * 1000, 1),
        "M" => (1000 * 1_000_000, 1),
        "G" => (1000 * 1_000_000_000, 1),
        "T" => (1000 * 1_000_000_000_000, 1),
        "P" => (1000 * 1_000_000_000_000_000, 1),
        "Ki" => (1000 << 10, 1),
        "Mi" => (1000 << 20, 1),
        "Gi" => (1000 << 30, 1),
        "Ti" => (1000 << 40, 1),
        "Pi" => (1000 << 50, 1),
        "Ei" => (1000 << 60, 1),
        _ => {
            let exp: i32 = suffix.strip_prefix(['e', 'E'])?.parse().ok()?;
            if !(-3..=18).contains(&exp) {
                return None;
            }
            if exp >= 0 {
                (1000 * 10i128.pow(exp as u32), 1)
            } else {
                (1, 10i128.pow((-exp - 3).unsigned_abs()).max(1))
            }
        }
    };
    let scaled = mantissa.checked_mul(mul)?;
    let denom = div.checked_mul(10i128.pow(frac_len))?;
    let v = (scaled + denom - 1) / denom;
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::parse_milli;

    #[test]
    fn quantities() {
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("2"), Some(2000));
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_milli("1Ki"), Some(1024 * 1000));
        assert_eq!(parse_milli("16Gi"), Some(16 * (1i128 << 30) * 1000));
        assert_eq!(parse_milli("1e3"), Some(1_000_000));
        assert_eq!(parse_milli("1M"), Some(1_000_000_000));
        assert_eq!(parse_milli("abc"), None);
        assert_eq!(parse_milli("1Qi"), None);
    }
}

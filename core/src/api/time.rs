//! Virtual time. The engine counts milliseconds from a start instant; API timestamps are
//! whole seconds, as the API server stores them (metav1.Time marshals to RFC 3339 seconds).

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// The start of virtual time plus an offset in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub start: Timestamp,
    pub now_ms: i64,
}

impl Clock {
    pub fn new(start: Timestamp) -> Self {
        Clock { start, now_ms: 0 }
    }

    pub fn at(&self, ms: i64) -> Timestamp {
        self.start.checked_add(jiff::SignedDuration::from_millis(ms)).unwrap_or(self.start)
    }

    pub fn now(&self) -> Timestamp {
        self.at(self.now_ms)
    }

    /// Now as an API timestamp, truncated to the second.
    pub fn time(&self) -> Time {
        Time(truncate(self.now()))
    }

    /// Milliseconds since the start for an API timestamp.
    pub fn ms_of(&self, t: &Time) -> i64 {
        t.0.duration_since(self.start).as_millis() as i64
    }

    /// RFC 3339 with milliseconds only when they are not zero.
    pub fn rfc3339(&self, ms: i64) -> String {
        format_ts(self.at(ms))
    }
}

pub fn truncate(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

pub fn format_ts(t: Timestamp) -> String {
    if t.subsec_millisecond() == 0 {
        t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

/// Parses RFC 3339, as `--start` takes it.
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().map_err(|e| format!("invalid time {s:?}: {e}"))
}

/// Go's time.ParseDuration subset that scripts use: `90s`, `1m30s`, `2h`, `500ms`, `1.5h`.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {s:?}");
    if s == "0" {
        return Ok(0);
    }
    let mut rest = s;
    let mut total: f64 = 0.0;
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(err)?;
        if num_len == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "us" | "µs" => 0.001,
            "ns" => 0.000_001,
            _ => return Err(err()),
        };
        rest = &rest[unit_len..];
        total += n * unit;
    }
    if total > 1e15 {
        return Err(err());
    }
    Ok(total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("90s"), Ok(90_000));
        assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
        assert_eq!(parse_duration_ms("2h"), Ok(7_200_000));
        assert_eq!(parse_duration_ms("1.5h"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert!(parse_duration_ms("5").is_err());
        assert!(parse_duration_ms("").is_err());
        assert!(parse_duration_ms("5x").is_err());
    }

    #[test]
    fn api_time_is_whole_seconds() {
        let mut c = Clock::new(parse_rfc3339("2026-01-01T00:00:00Z").unwrap());
        c.now_ms = 5_750;
        assert_eq!(c.ms_of(&c.time()), 5_000);
        assert_eq!(c.rfc3339(5_000), "2026-01-01T00:00:05Z");
        assert_eq!(c.rfc3339(5_250), "2026-01-01T00:00:05.250Z");
    }
}

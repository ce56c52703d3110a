//! kubeloop scripts: `kubectl ...` lines (heredocs allowed), `advance DURATION`,
//! `settle [MAX]`, `#` comments. The CLI and the scenario tests run the same code.

use crate::api::time::parse_duration_ms;
use crate::kubectl::wait::Wait;
use crate::kubectl::{self, Files, Output};
use crate::sim::engine::Engine;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Kubectl { args: Vec<String>, stdin: Option<String> },
    Advance(i64),
    Settle(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: usize,
    pub text: String,
    pub step: Step,
}

pub const DEFAULT_SETTLE_MS: i64 = 3_600_000;

/// Splits a line into words like a shell: quotes group, backslash escapes.
pub fn shell_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch) => cur.push(ch),
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Parses a whole script; the first malformed line is an error naming its number.
pub fn parse(text: &str) -> Result<Vec<Line>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let raw = lines[i];
        i += 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |m: String| format!("script line {number}: {m}: {trimmed}");
        let (command, heredoc) = match trimmed.find("<<") {
            Some(pos) => {
                let tag = trimmed[pos + 2..].trim().trim_start_matches('-').trim_matches(|c| c == '\'' || c == '"');
                if tag.is_empty() || tag.contains(char::is_whitespace) {
                    return Err(bad("a heredoc needs a single end word, as in <<EOF".into()));
                }
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    if l.trim() == tag {
                        closed = true;
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                if !closed {
                    return Err(bad(format!("heredoc is not closed by a line {tag:?}")));
                }
                (trimmed[..pos].trim(), Some(body))
            }
            None => (trimmed, None),
        };
        let words = shell_words(command).map_err(bad)?;
        if heredoc.is_some() && words.first().map(String::as_str) != Some("kubectl") {
            return Err(bad("only kubectl lines take a heredoc".into()));
        }
        let step = match words.first().map(String::as_str) {
            Some("kubectl") => Step::Kubectl { args: words[1..].to_vec(), stdin: heredoc },
            Some("advance") if words.len() == 2 => Step::Advance(parse_duration_ms(&words[1]).map_err(bad)?),
            Some("advance") => return Err(bad("advance takes one duration, such as 90s or 1m30s".into())),
            Some("settle") if words.len() <= 2 => Step::Settle(
                words.get(1).map(|w| parse_duration_ms(w)).transpose().map_err(bad)?.unwrap_or(DEFAULT_SETTLE_MS),
            ),
            Some("settle") => return Err(bad("settle takes at most one duration".into())),
            _ => return Err(bad("expected `kubectl ...`, `advance DURATION`, `settle [MAX]` or a # comment".into())),
        };
        out.push(Line { number, text: command.to_string(), step });
    }
    Ok(out)
}

/// Files for one kubectl line: the heredoc as `-`, everything else from `read`.
struct LineFiles<'a> {
    stdin: Option<&'a str>,
    read: &'a dyn Fn(&str) -> Result<String, String>,
}

impl Files for LineFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        if path == "-" {
            return self
                .stdin
                .map(str::to_string)
                .ok_or_else(|| "no input on stdin for -f - (use a heredoc: -f - <<EOF)".to_string());
        }
        (self.read)(path)
    }
}

/// Plays a kubectl wait out in virtual time: the cluster runs from one timed event to
/// the next until the condition holds or its deadline passes. A runaway engine ends the
/// wait with its error (also returned, for a caller that halts on it).
pub fn wait(engine: &mut Engine, mut w: Wait) -> (Output, Option<crate::sim::engine::EngineError>) {
    let mut out = Output::default();
    loop {
        if let Err(e) = engine.drain() {
            out.push(Output::err(e.to_string()));
            return (out, Some(e));
        }
        let (printed, done) = w.poll(&engine.store);
        out.push(printed);
        if done {
            return (out, None);
        }
        match engine.next_event_ms() {
            Some(at) if at <= w.deadline_ms => {
                if let Err(e) = engine.step() {
                    out.push(Output::err(e.to_string()));
                    return (out, Some(e));
                }
            }
            _ => {
                out.push(Wait::timed_out());
                return (out, None);
            }
        }
    }
}

/// Runs each line, handing every line's output to `emit` as it is produced.
pub fn run(
    engine: &mut Engine,
    lines: &[Line],
    read: &dyn Fn(&str) -> Result<String, String>,
    emit: &mut dyn FnMut(&Line, Output),
) {
    for line in lines {
        let refused_before = engine.store.limit_refusals;
        let mut out = match &line.step {
            Step::Kubectl { args, stdin } => {
                let reply = kubectl::run(&mut engine.store, args, &LineFiles { stdin: stdin.as_deref(), read });
                let mut out = reply.output;
                match reply.wait {
                    Some(w) => out.push(wait(engine, w).0),
                    // The controllers' immediate reactions at this instant run before the next line.
                    None => {
                        if let Err(e) = engine.drain() {
                            out.push(Output::err(e.to_string()));
                        }
                    }
                }
                out
            }
            Step::Advance(ms) => match engine.advance(*ms) {
                Ok(()) => Output::default(),
                Err(e) => Output::err(e.to_string()),
            },
            Step::Settle(max) => match engine.settle(*max) {
                Ok(true) => Output::default(),
                Ok(false) => Output::err(format!(
                    "settle: still busy after {} (timed events keep coming, e.g. a crash loop or back-off)",
                    crate::cluster::kubelet::go_duration(*max)
                )),
                Err(e) => Output::err(e.to_string()),
            },
        };
        let refused = engine.store.limit_refusals - refused_before;
        if refused > 0 {
            out.push(Output::err(format!(
                "kubeloop: the cluster holds its limit of {} objects; {refused} creates were refused",
                engine.store.limits.max_objects
            )));
        }
        emit(line, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scripts() {
        let s = "# c\nkubectl apply -f - <<EOF\nkind: X\nEOF\n\nadvance 1m30s\nsettle\nkubectl get pods -l 'app in (a,b)'\n";
        let lines = parse(s).unwrap();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0].step,
            Step::Kubectl { args: vec!["apply".into(), "-f".into(), "-".into()], stdin: Some("kind: X\n".into()) }
        );
        assert_eq!(lines[1].step, Step::Advance(90_000));
        assert_eq!(lines[2].step, Step::Settle(DEFAULT_SETTLE_MS));
        assert_eq!(
            lines[3].step,
            Step::Kubectl { args: vec!["get".into(), "pods".into(), "-l".into(), "app in (a,b)".into()], stdin: None }
        );
        assert_eq!(
            parse("advance soon\n").unwrap_err(),
            "script line 1: time: invalid duration \"soon\": advance soon"
        );
        assert!(parse("kubectl get\nfly away\n").unwrap_err().starts_with("script line 2:"));
        assert!(parse("kubectl apply -f - <<EOF\nx\n").is_err());
    }
}

//! The kubeloop command line: run a script against the simulated cluster.

use kubeloop::api::time::parse_rfc3339;
use kubeloop::cluster::new_cluster;
use kubeloop::script;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: kubeloop run [--seed N] [--start RFC3339] [--trace FILE] SCRIPT

Runs SCRIPT ('-' reads stdin) against a simulated Kubernetes cluster.
Script lines:
  kubectl ...        run a kubectl command at the current virtual time (heredocs: -f - <<EOF)
  advance DURATION   run the cluster forward (Go durations: 90s, 1m30s, 2h)
  settle [MAX]       run until nothing is pending, at most MAX (default 1h)
  # comment
Options:
  --seed N           seed for generated names and uids (default 0)
  --start RFC3339    virtual start time (default 2026-01-01T00:00:00Z)
  --trace FILE       write every API write as a JSON line to FILE";

struct Options {
    seed: u64,
    start: jiff::Timestamp,
    trace: Option<PathBuf>,
    script: String,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some("-h") | Some("--help") | Some("help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command {other:?}")),
    }
    let mut o = Options { seed: 0, start: parse_rfc3339("2026-01-01T00:00:00Z")?, trace: None, script: String::new() };
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{flag} needs a value"));
        match flag {
            "--seed" => o.seed = value()?.parse().map_err(|_| "--seed takes a whole number".to_string())?,
            "--start" => o.start = parse_rfc3339(&value()?)?,
            "--trace" => o.trace = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => {
                if !o.script.is_empty() {
                    return Err(format!("only one script can be run (got {:?} and {s:?})", o.script));
                }
                o.script = s.to_string();
            }
        }
    }
    if o.script.is_empty() {
        return Err("missing SCRIPT".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kubeloop: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let (text, base) = if opts.script == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("kubeloop: reading stdin: {e}");
            return ExitCode::from(2);
        }
        (s, PathBuf::from("."))
    } else {
        match std::fs::read_to_string(&opts.script) {
            Ok(s) => (s, Path::new(&opts.script).parent().map(Path::to_path_buf).unwrap_or_default()),
            Err(e) => {
                eprintln!("kubeloop: {}: {e}", opts.script);
                return ExitCode::from(2);
            }
        }
    };
    let lines = match script::parse(&text) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kubeloop: {e}");
            return ExitCode::from(2);
        }
    };
    let mut engine = new_cluster(opts.start, opts.seed);
    if opts.trace.is_none() {
        // Nobody will read the trace: do not keep every object version in memory.
        engine.store.limits.max_trace = 0;
    }
    let read = |p: &str| {
        let path = base.join(p);
        std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("the path {p:?} does not exist"),
            _ => format!("the path {p:?} cannot be read: {e}"),
        })
    };
    let stdout = std::io::stdout();
    script::run(&mut engine, &lines, &read, &mut |line, out| {
        let mut so = stdout.lock();
        if matches!(line.step, script::Step::Kubectl { .. }) {
            let _ = writeln!(so, "$ {}", line.text);
        }
        let _ = so.write_all(out.stdout.as_bytes());
        let _ = so.flush();
        if !out.stderr.is_empty() {
            eprint!("{}", out.stderr);
        }
    });
    if let Some(path) = &opts.trace {
        let file = match std::fs::File::create(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("kubeloop: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let mut w = std::io::BufWriter::new(file);
        for r in &engine.store.trace {
            if writeln!(w, "{}", r.to_json(&engine.store.clock)).is_err() {
                eprintln!("kubeloop: writing {} failed", path.display());
                return ExitCode::from(2);
            }
        }
        if w.flush().is_err() {
            return ExitCode::from(2);
        }
    }
    // The process ends here: freeing every object one by one would only cost time.
    std::mem::forget(engine);
    ExitCode::SUCCESS
}

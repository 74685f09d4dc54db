//! Running the Python checks that deck cards carry, against every CPython
//! installed, so a card's claim is verified rather than trusted.
//!
//! A check without a `python` field runs on every installed CPython from 3.11
//! up; `"3.12"`, `"3.12+"` and `"3.11-3.12"` narrow that. A check whose
//! versions are all missing is reported as skipped, never as passed.

use super::PyCheck;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The oldest CPython the decks are checked against.
pub const OLDEST_MINOR: u32 = 11;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    pub minor: u32,
    pub path: PathBuf,
}

fn minor_of(path: &PathBuf) -> Option<u32> {
    let out = Command::new(path)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v = String::from_utf8_lossy(&out.stdout);
    let v = v.trim().strip_prefix("Python 3.")?;
    v.split('.').next()?.parse().ok()
}

/// Every CPython 3.11+ found as `python3.N` on PATH or under pyenv, one per minor version.
pub fn interpreters() -> Vec<Interpreter> {
    let mut found: Vec<Interpreter> = Vec::new();
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    for minor in OLDEST_MINOR..=20 {
        let mut candidates = vec![PathBuf::from(format!("python3.{minor}"))];
        if let Some(root) = &pyenv_root {
            if let Ok(rd) = std::fs::read_dir(root.join("versions")) {
                let mut dirs: Vec<PathBuf> = rd
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                            n.strip_prefix(&format!("3.{minor}."))
                                .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
                        })
                    })
                    .collect();
                dirs.sort();
                candidates.extend(
                    dirs.into_iter()
                        .rev()
                        .map(|d| d.join(format!("bin/python3.{minor}"))),
                );
            }
        }
        if let Some(path) = candidates.into_iter().find(|p| minor_of(p) == Some(minor)) {
            found.push(Interpreter { minor, path });
        }
    }
    found
}

/// Which minor versions (of 3.x) a `python` field asks for, among `available`.
pub fn wanted(spec: Option<&str>, available: &[u32]) -> Vec<u32> {
    let minor = |s: &str| {
        s.trim()
            .strip_prefix("3.")
            .and_then(|m| m.parse::<u32>().ok())
    };
    let (lo, hi) = match spec {
        None => (OLDEST_MINOR, u32::MAX),
        Some(s) => match (s.strip_suffix('+'), s.split_once('-')) {
            (Some(v), _) => (minor(v).unwrap_or(u32::MAX), u32::MAX),
            (None, Some((a, b))) => (minor(a).unwrap_or(u32::MAX), minor(b).unwrap_or(0)),
            (None, None) => {
                let m = minor(s).unwrap_or(u32::MAX);
                (m, m)
            }
        },
    };
    available
        .iter()
        .copied()
        .filter(|m| (lo..=hi).contains(m))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(String),
}

/// A `multiprocessing` start method a check's processes can be forced to
/// use. Linux defaults to fork before 3.14 and forkserver from 3.14;
/// macOS and Windows default to spawn: a card's check must pass under all
/// three, or it breaks on the next Python or another system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StartMethod {
    Fork,
    Forkserver,
    Spawn,
}

impl StartMethod {
    pub const ALL: [StartMethod; 3] = [Self::Fork, Self::Forkserver, Self::Spawn];

    pub fn name(self) -> &'static str {
        match self {
            Self::Fork => "fork",
            Self::Forkserver => "forkserver",
            Self::Spawn => "spawn",
        }
    }
}

/// Whether a check starts processes through `multiprocessing` (a
/// `Process`, a `Pool`, a `Manager`) or `ProcessPoolExecutor`, so the start
/// method matters. A check that only reads or sets the start method starts
/// none, and forcing one would change what it is about.
pub fn starts_processes(check: &PyCheck) -> bool {
    ["Process(", "Pool(", "Manager(", "ProcessPoolExecutor"]
        .iter()
        .any(|s| check.code.contains(s))
}

/// Sets the start method, then runs the check file as `__main__`: spawn
/// and forkserver children find their functions by re-importing that file
/// (as `__mp_main__`), which `python -c` code cannot offer.
const FORCE_START_METHOD: &str = "import multiprocessing, runpy, sys\n\
multiprocessing.set_start_method(sys.argv[1])\n\
sys.argv = sys.argv[2:]\n\
runpy.run_path(sys.argv[0], run_name='__main__')\n";

/// The name the check's code is written under, in a directory of its own.
const CHECK_FILE: &str = "check.py";

/// Runs one check with one interpreter: stdout, trimmed, must equal `expect`, trimmed.
pub fn run(check: &PyCheck, py: &Interpreter, timeout: Duration) -> Verdict {
    run_with(check, py, timeout, None)
}

/// [`run`], with the processes a check starts forced to use `start` (when
/// given and the check starts any). The code runs from a file, in a fresh
/// directory that is its working directory, never as `python -c`.
pub fn run_with(
    check: &PyCheck,
    py: &Interpreter,
    timeout: Duration,
    start: Option<StartMethod>,
) -> Verdict {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return Verdict::Fail(format!("cannot make a directory for the check: {e}")),
    };
    if let Err(e) = std::fs::write(dir.path().join(CHECK_FILE), &check.code) {
        return Verdict::Fail(format!("cannot write the check: {e}"));
    }
    let mut cmd = Command::new(&py.path);
    cmd.args(["-X", "utf8"]);
    match start.filter(|_| starts_processes(check)) {
        Some(m) => cmd.args(["-c", FORCE_START_METHOD, m.name(), CHECK_FILE]),
        None => cmd.arg(CHECK_FILE),
    };
    let child = cmd
        .current_dir(dir.path())
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => return Verdict::Fail(format!("cannot start {}: {e}", py.path.display())),
    };
    match output(child, timeout) {
        Ok((out, err)) => verdict(check, &out, &err),
        Err(failed) => failed,
    }
}

/// The child's stdout and stderr once it has exited; a failing verdict if
/// it runs past `timeout` (it is killed) or cannot be waited for. Stderr
/// is read on a thread of its own, so a child filling one pipe while
/// py201 reads the other cannot stall.
fn output(mut child: Child, timeout: Duration) -> Result<(String, String), Verdict> {
    let mut out = String::new();
    let mut so = child.stdout.take();
    let mut se = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = se.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let start = Instant::now();
    if let Some(o) = so.as_mut() {
        let _ = o.read_to_string(&mut out);
    }
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Verdict::Fail(format!("timed out after {timeout:?}")));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(Verdict::Fail(e.to_string())),
        }
    }
    Ok((out, reader.join().unwrap_or_default()))
}

/// Pass when stdout is the expected output; otherwise both, with the last
/// line of stderr (the exception, when Python raised one).
fn verdict(check: &PyCheck, out: &str, err: &str) -> Verdict {
    let got = out.replace("\r\n", "\n");
    if got.trim() == check.expect.replace("\r\n", "\n").trim() {
        return Verdict::Pass;
    }
    let tail: String = err
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    Verdict::Fail(format!(
        "expected {:?}, got {:?}{}",
        check.expect.trim(),
        got.trim(),
        if tail.is_empty() {
            String::new()
        } else {
            format!(" ({tail})")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_checks_that_start_processes_get_a_start_method() {
        let check = |code: &str| PyCheck {
            card: "c".into(),
            file: "f".into(),
            line: 1,
            code: code.into(),
            expect: String::new(),
            python: None,
        };
        for code in [
            "mp.Process(target=f).start()",
            "with Pool(2) as p: ...",
            "ctx.Pool(1)",
            "with ProcessPoolExecutor() as ex: ...",
        ] {
            assert!(starts_processes(&check(code)), "{code}");
        }
        for code in [
            "import multiprocessing as mp\nprint(mp.get_start_method())",
            "ThreadPoolExecutor(2)",
        ] {
            assert!(!starts_processes(&check(code)), "{code}");
        }
    }

    #[test]
    fn version_specs_select_minors() {
        let have = [11, 12, 13];
        assert_eq!(wanted(None, &have), vec![11, 12, 13]);
        assert_eq!(wanted(Some("3.12"), &have), vec![12]);
        assert_eq!(wanted(Some("3.12+"), &have), vec![12, 13]);
        assert_eq!(wanted(Some("3.11-3.12"), &have), vec![11, 12]);
        assert_eq!(wanted(Some("3.14"), &have), Vec::<u32>::new());
    }
}

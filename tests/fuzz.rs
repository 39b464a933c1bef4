//! Hostile and malformed input, generated: shell lines through the lexer and parser,
//! label and field selectors, manifests (YAML and JSON, multi-document, anchors) and
//! kubeconfigs. Cases are the seed files in `tests/fuzz/` (one case a line, `\n` for a
//! newline) mutated at random with the characters parsers trip on, plus random text.
//! Nothing may panic, and every rejection is one line (an `error:` line and at most a
//! `hint:` for the shell's own messages). Alias bombs and 100 MB inputs are refused in
//! bounded time.
//!
//! `PODSH_FUZZ_CASES` sets the cases per target (2,000 by default, what CI runs); the
//! full run is `PODSH_FUZZ_CASES=250000 cargo test --release --test main fuzz::`
//! (1,000,000 cases). `PODSH_FUZZ_SEED` repeats a run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use podsh::command::{Statement, parse};
use podsh::common::selector::{FieldSelector, LabelSelector};
use podsh::error::Error;
use podsh::render::errors::error_text;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::util::TestCluster;

fn cases() -> usize {
    std::env::var("PODSH_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000)
}

fn seed() -> u64 {
    std::env::var("PODSH_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed)
}

/// The seed cases of `tests/fuzz/NAME.txt`.
fn seeds(name: &str) -> Vec<String> {
    let path = format!("{}/tests/fuzz/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines().filter(|l| !l.starts_with("# ")).map(|l| l.replace("\\n", "\n")).collect()
}

/// What parsers trip on: quotes, escapes, operators, YAML indicators, odd characters.
const PIECES: &[&str] = &[
    "\"",
    "'",
    "\\",
    "|",
    ">",
    ">>",
    "<",
    ";",
    "#",
    "!",
    "!!",
    "-",
    "--",
    "=",
    "==",
    "!=",
    ",",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ":",
    ": ",
    "&a ",
    "*a",
    "@",
    "$",
    "$(",
    "`",
    "\n",
    "\t",
    " ",
    "\r",
    "\0",
    "é",
    "🙂",
    "\u{202e}",
    "---\n",
    "...\n",
    "? ",
    "- ",
    "%YAML 1.2\n",
    "!!str ",
    "!!binary ",
    "&",
    "*",
    "~",
    "null",
    "0x",
    "1e999",
    "-1",
    "99999999999999999999",
    "{{",
    "}}",
    "in (",
    "notin",
    "  ",
    "\u{feff}",
    "\\n",
    "\\\"",
    "@1",
    "@last",
];

/// A case: a seed with a few random edits, or (one in ten) random pieces.
fn case(rng: &mut StdRng, seeds: &[String]) -> String {
    if rng.random_range(0..10) == 0 {
        let n = rng.random_range(0..40);
        return (0..n).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect();
    }
    let mut s: Vec<char> = seeds[rng.random_range(0..seeds.len())].chars().collect();
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..=s.len());
        match rng.random_range(0..5) {
            0 => s.splice(at..at, PIECES[rng.random_range(0..PIECES.len())].chars()).for_each(drop),
            1 if !s.is_empty() => {
                let end = (at + rng.random_range(1..8)).min(s.len());
                s.drain(at.min(end)..end);
            }
            2 if at < s.len() => {
                let end = (at + rng.random_range(1..16)).min(s.len());
                let copy: Vec<char> = s[at..end].to_vec();
                s.splice(at..at, copy).for_each(drop);
            }
            3 => {
                let other: Vec<char> = seeds[rng.random_range(0..seeds.len())].chars().collect();
                let from = rng.random_range(0..=other.len());
                let to = (from + rng.random_range(0..24)).min(other.len());
                s.splice(at..at, other[from..to].iter().copied()).for_each(drop);
            }
            _ if at < s.len() => s[at] = PIECES[rng.random_range(0..PIECES.len())].chars().next().unwrap_or('x'),
            _ => {}
        }
    }
    s.into_iter().collect()
}

/// Runs `check` on `cases()` generated cases; a panic or a broken rule names the case.
fn fuzz(name: &str, check: impl Fn(&str) -> Result<(), String>) {
    let seeds = seeds(name);
    assert!(!seeds.is_empty(), "{name} has seeds");
    let mut rng = StdRng::seed_from_u64(seed() ^ name.len() as u64);
    let (n, mut rejected) = (cases(), 0usize);
    for i in 0..n + seeds.len() {
        let input = if i < seeds.len() { seeds[i].clone() } else { case(&mut rng, &seeds) };
        match catch_unwind(AssertUnwindSafe(|| check(&input))) {
            Ok(Ok(())) => {}
            Ok(Err(e)) if e.is_empty() => rejected += 1,
            Ok(Err(e)) => panic!("{name} case {i}: {e}\ninput: {input:?}"),
            Err(_) => panic!("{name} case {i} panicked\ninput: {input:?}"),
        }
    }
    eprintln!("{name}: {} cases, {rejected} rejected", n + seeds.len());
}

/// An error's text as the shell prints it is `error: ...` and at most a `hint:` line.
fn one_line_error(text: &str) -> Result<(), String> {
    let lines: Vec<&str> = text.lines().collect();
    let well_formed = match lines.as_slice() {
        [only] => !only.trim().is_empty(),
        [first, hint] => !first.trim().is_empty() && hint.starts_with("hint: "),
        _ => false,
    };
    if well_formed { Err(String::new()) } else { Err(format!("not a one-line error: {text:?}")) }
}

/// A rejection given as plain text must be one line.
fn one_line(text: &str) -> Result<(), String> {
    if text.trim().is_empty() || text.contains('\n') {
        return Err(format!("not a one-line error: {text:?}"));
    }
    Err(String::new())
}

#[test]
fn shell_lines_lex_and_parse_without_panics() {
    fuzz("lines", |line| {
        let statements = match podsh::command::lex::split(line) {
            Ok(s) => s,
            // Incomplete lines continue; a missing target is reported with the operator.
            Err(_) => return Err(String::new()),
        };
        for st in statements {
            let Statement::Words { words, sink } = st else { continue };
            if let Err(e) = parse::parse(&words, sink) {
                // Rendered with a caret, as a terminal shows it: the span must fit the line.
                let text = error_text(&Error::from(e.clone()), Some(line), true);
                let first = text.lines().next().unwrap_or_default();
                if !first.starts_with("error: ") {
                    return Err(format!("an error line: {text:?}"));
                }
                return one_line_error(&error_text(&Error::from(e), None, false));
            }
        }
        Ok(())
    });
}

#[test]
fn selectors_parse_without_panics() {
    fuzz("selectors", |s| {
        let labels = LabelSelector::parse(s);
        let fields = FieldSelector::parse(s);
        if let Ok(l) = &labels {
            let set = [("app".to_string(), "web".to_string())].into_iter().collect();
            let _ = l.matches(Some(&set));
        }
        match (labels, fields) {
            (Err(e), _) | (_, Err(e)) => one_line(&e),
            _ => Ok(()),
        }
    });
}

#[test]
fn manifests_parse_without_panics() {
    fuzz("manifests", |text| match podsh::exec::manifests::parse_docs(text, "pod.yaml") {
        Ok(docs) => {
            for d in docs {
                let _ = (d.is_pod(), d.name(), d.namespace(), podsh::exec::manifests::unknown_pod_fields(&d.value));
            }
            Ok(())
        }
        Err(e) => one_line_error(&error_text(&e, None, false)),
    });
}

#[test]
fn kubeconfigs_parse_without_panics() {
    fuzz("kubeconfigs", |text| match podsh::kubeconfig::parse(text) {
        Ok(_) => Ok(()),
        Err(e) => one_line(&e),
    });
}

/// The billion laughs: nine levels of nine aliases (387 million strings if expanded).
fn alias_bomb() -> String {
    let mut s = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s
}

#[test]
fn alias_bombs_are_refused_in_bounded_time() {
    let bomb = alias_bomb();
    let t = Instant::now();
    let manifest = podsh::exec::manifests::parse_docs(&bomb, "bomb.yaml");
    assert!(manifest.is_err(), "the manifest loader expands no bomb");
    let kubeconfig = podsh::kubeconfig::parse(&format!("apiVersion: v1\nkind: Config\n{bomb}"));
    assert!(kubeconfig.is_err_and(|e| !e.contains('\n')), "nor the kubeconfig loader");
    assert!(t.elapsed() < Duration::from_secs(5), "refused in {:?}", t.elapsed());
}

/// A sparse file of `bytes` (no disk is written for it).
fn huge(c: &TestCluster, name: &str, bytes: u64) -> std::path::PathBuf {
    let p = c.path(name);
    std::fs::File::create(&p).and_then(|f| f.set_len(bytes)).expect("sparse file");
    p
}

#[test]
fn hundred_megabyte_inputs_are_refused_before_they_are_read() {
    let c = TestCluster::start();
    huge(&c, "big.yaml", 100_000_000);
    let t = Instant::now();
    let r = c.podsh("apply -f big.yaml");
    assert_eq!(
        r.fails(),
        "line 1: error: big.yaml is 100.0 MB; manifests over 32 MB are not read\n\
         hint: the API server takes at most 3 MB an object: split the file\n"
    );
    let kc = huge(&c, "big-kubeconfig", 100_000_000);
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["-c", "get pods"])
        .env("HOME", c.dir.path())
        .env("XDG_STATE_HOME", c.dir.path().join("state"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("it is 100.0 MB, over the 16 MB a kubeconfig may be"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // Piped: the shell stops reading at the limit (the writer sees the pipe close).
    let mut child = c
        .podsh_cmd(&["-c", "apply -f -"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let chunk = vec![b'#'; 1 << 20];
        (0..100).take_while(|_| stdin.write_all(&chunk).is_ok()).count()
    });
    let out = child.wait_with_output().expect("finishes");
    let written = writer.join().expect("writer");
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("line 1: error: STDIN is 33.6 MB; manifests over 32 MB"));
    assert!(written < 100, "the rest was never read ({written} MB written)");
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
}

/// `(status, body)` of one raw request to the simulator.
fn send(c: &TestCluster, client: &kube::Client, method: &str, path: &str, ct: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    use http_body_util::BodyExt;
    c.runtime().block_on(async {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", ct)
            .body(kube::client::Body::from(body))
            .expect("request");
        let resp = client.send(req).await.expect("an answer");
        let status = resp.status().as_u16();
        (status, resp.into_body().collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default())
    })
}

/// What is wrong with an answer, if anything: a refusal must be the API server's Status
/// with a 4xx code and a one-line message.
fn status_problem(status: u16, body: &[u8]) -> Option<String> {
    if (200..300).contains(&status) {
        return None;
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Some(format!("{status} without a Status body"));
    };
    let message = v["message"].as_str().unwrap_or_default();
    let one_line_4xx =
        v["kind"] == "Status" && (400..500).contains(&status) && !message.is_empty() && !message.contains('\n');
    (!one_line_4xx).then(|| format!("{status}: {v}"))
}

#[test]
fn hostile_requests_get_status_errors_and_never_break_the_simulator() {
    let c = TestCluster::start();
    let client = crate::sim_api::client_without_retries(&c);
    let n = (cases() / 20).max(50);
    let seeds = seeds("requests");
    let mut rng = StdRng::seed_from_u64(seed());
    let targets = [
        ("POST", "/api/v1/namespaces/default/pods"),
        ("PUT", "/api/v1/namespaces/default/pods/a"),
        ("PATCH", "/api/v1/namespaces/default/pods/a"),
        ("POST", "/api/v1/namespaces"),
    ];
    let types = ["application/json", "application/yaml", "application/merge-patch+json", "application/json-patch+json"];
    for i in 0..n {
        let body = if i < seeds.len() { seeds[i].clone() } else { case(&mut rng, &seeds) };
        let (m, p) = targets[i % targets.len()];
        let ct = types[rng.random_range(0..types.len())];
        let (status, answer) = send(&c, &client, m, p, ct, body.clone().into_bytes());
        if let Some(e) = status_problem(status, &answer) {
            panic!("{m} {p} ({ct}) case {i}: {e}\nbody: {body:?}");
        }
    }

    // Deep nesting, an oversized body, parameters that are not numbers.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, answer) =
        send(&c, &client, "POST", "/api/v1/namespaces/default/pods", "application/json", deep.into_bytes());
    assert!(!(200..300).contains(&status) && status_problem(status, &answer).is_none(), "deep JSON: {status}");
    let big = vec![b' '; 3 * 1024 * 1024 + 1];
    let (status, answer) = send(&c, &client, "POST", "/api/v1/namespaces/default/pods", "application/json", big);
    let v: serde_json::Value = serde_json::from_slice(&answer).expect("a Status");
    assert_eq!((status, v["reason"].as_str()), (413, Some("RequestEntityTooLarge")), "{v}");
    assert_eq!(v["message"], "Request entity too large: limit is 3145728");
    for (query, message) in [
        ("watch=true&timeoutSeconds=soon", "strconv.ParseInt: parsing \"soon\": invalid syntax"),
        ("limit=lots", "strconv.ParseInt: parsing \"lots\": invalid syntax"),
        ("limit=99999999999999999999", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range"),
        ("watch=true&resourceVersion=abc", "invalid resource version: abc"),
    ] {
        let (status, answer) =
            send(&c, &client, "GET", &format!("/api/v1/namespaces/default/pods?{query}"), "", Vec::new());
        let v: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
        assert_eq!((status, v["message"].as_str()), (400, Some(message)), "{query}: {v}");
    }
    let (status, _) = send(&c, &client, "GET", "/api/v1/namespaces/default/pods", "", Vec::new());
    assert_eq!(status, 200, "still serving");
}

//! Scale figures (issue 11), each printed next to its target: the simulator and the shell
//! at 10,000 pods in one namespace, then at Kubernetes' published limits (150,000 pods on
//! 5,000 nodes, spread over namespaces), with real kubectl timed on the same simulator.
//!
//! `cargo bench --bench scale` runs both sizes (a few minutes); `-- --smoke` runs 1,000
//! pods with a small watch test (what CI runs: it checks that every step works and prints
//! the figures, asserting no timing); `-- --only 10k` or `-- --only 150k` runs one size; `-- --churn-only` runs only the
//! watchers under churn at 150k.
//! Needs tmux (the shell is measured in a real terminal) and kubectl on PATH.

#[path = "scale/churn.rs"]
mod churn;
#[path = "scale/procs.rs"]
mod procs;

use std::time::{Duration, Instant};

use procs::{Pane, SimProc, kib, median, ms, rss_kib};

/// One size to measure.
struct Size {
    label: &'static str,
    pods: usize,
    nodes: usize,
    namespaces: usize,
    /// Measure the shell with an all-namespaces (`-A`) cache instead of `default`'s.
    all_namespaces: bool,
    watchers: usize,
    churn_secs: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    // Only the watchers under churn, at the 150k size: the figure to profile on its own.
    let churn_only = args.iter().any(|a| a == "--churn-only");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let sizes = if smoke {
        vec![Size {
            label: "smoke",
            pods: 1_000,
            nodes: 2,
            namespaces: 2,
            all_namespaces: true,
            watchers: 10,
            churn_secs: 2,
        }]
    } else {
        vec![
            Size {
                label: "10k",
                pods: 10_000,
                nodes: 1,
                namespaces: 1,
                all_namespaces: false,
                watchers: 0,
                churn_secs: 0,
            },
            Size {
                label: "150k",
                pods: 150_000,
                nodes: 5_000,
                namespaces: 100,
                all_namespaces: true,
                watchers: 100,
                churn_secs: 10,
            },
        ]
    };
    let mut failed = false;
    for size in sizes.iter().filter(|s| only.as_deref().is_none_or(|o| o == s.label)) {
        if churn_only && size.watchers == 0 {
            continue;
        }
        if let Err(e) = measure(size, churn_only) {
            println!("  FAILED: {e}");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}

fn row(what: &str, value: String, target: &str) {
    println!("  {what:<58} {value:>14}   target {target}");
}

fn measure(size: &Size, churn_only: bool) -> Result<(), String> {
    println!(
        "\n== {} pods, {} nodes, {} namespace(s) ({}; {} cores) ==",
        size.pods,
        size.nodes,
        size.namespaces,
        size.label,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let sim = SimProc::start(size.pods, size.nodes, size.namespaces)?;
    row("simulator start", format!("{:.2} s", sim.started.as_secs_f64()), "< 1 s at 10k, < 10 s at 150k");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    if !churn_only {
        lists_and_shell(&sim, size, &rt)?;
    }
    if size.watchers > 0 {
        let report = rt.block_on(churn::run(&sim.kubeconfig, size.watchers, size.churn_secs))?;
        row(
            &format!("{} watchers, {} pods/s created and deleted: events each", size.watchers, churn::RATE),
            report.events.to_string(),
            "every event, in order",
        );
        row("  watchers identical and in order / told 410 Gone / pods lost", report.verdict(), "all / - / 0");
        row("  delivery latency p50 / p99", format!("{} / {}", ms(report.p50), ms(report.p99)), "p99 < 50 ms");
        if !report.consistent() {
            return Err("watchers disagree or lost events".into());
        }
    }
    Ok(())
}

/// The list figures and the shell's, for every size.
fn lists_and_shell(sim: &SimProc, size: &Size, rt: &tokio::runtime::Runtime) -> Result<(), String> {
    let client = rt.block_on(procs::client(&sim.kubeconfig))?;
    let ns_path = "/api/v1/namespaces/default/pods";
    let json = rt.block_on(median(&client, ns_path, None))?;
    row(&format!("list `default` as JSON ({} MB)", json.size / 1_000_000), ms(json.median), "< 100 ms at 10k");
    let table = rt.block_on(median(&client, ns_path, Some(procs::TABLE)))?;
    row("list `default` as Table, first (rows printed)", ms(table.first), "");
    row("list `default` as Table, after (rows kept)", ms(table.median), "< 50 ms at 10k");
    let page = rt.block_on(median(&client, &format!("{ns_path}?limit=500"), None))?;
    row("one `?limit=500` page", ms(page.median), "< 10 ms");
    let all_page = rt.block_on(median(&client, "/api/v1/pods?limit=500", Some(procs::TABLE)))?;
    row("one all-namespaces Table page of 500", ms(all_page.median), "< 10 ms");
    row("simulator resident memory", kib(rss_kib(sim.pid())), "< 100 MB at 10k, < 1.5 GB at 150k");

    let shell = shell_figures(sim, size)?;
    row(
        "shell: first Tab candidates after the prompt (cold cache)",
        ms(shell.first_tab),
        &format!("< 500 ms{}", if shell.hinted { " (hint shown first)" } else { "" }),
    );
    row("shell resident memory with the live cache", kib(shell.rss), "< 25 MB at 10k, < 150 MB at 150k (-A)");

    let tab = rt.block_on(procs::tab_latency(&sim.kubeconfig, size.all_namespaces, size.pods))?;
    row(&format!("Tab p50 / p99 over {} pods cached in-process", size.pods), tab, "p99 < 5 ms");

    let (ours, theirs, lines) = procs::get_all(&sim.kubeconfig, size.pods)?;
    row(&format!("`get pods -A | wc -l` ({lines} lines): podsh"), ms(ours), "< half of kubectl's");
    row(
        "`kubectl get pods -A | wc -l`",
        ms(theirs),
        &format!("ratio {:.2}", ours.as_secs_f64() / theirs.as_secs_f64()),
    );
    Ok(())
}

struct ShellFigures {
    first_tab: Duration,
    hinted: bool,
    rss: u64,
}

/// The shell in a real terminal: how soon after the first prompt a Tab offers pods, and
/// its resident memory once the cache holds them all.
fn shell_figures(sim: &SimProc, size: &Size) -> Result<ShellFigures, String> {
    // The last pod's whole name: a Tab that completes it appends a space (the cursor moves
    // one column); before the cache has it, a Tab offers nothing or the "listing" hint.
    let last = procs::pod_name(size.pods, size.pods);
    let line = if size.all_namespaces { format!("get pods -A {last}") } else { format!("describe pod {last}") };
    let pane = Pane::shell(&sim.kubeconfig)?;
    let shown = pane.wait(Duration::from_secs(30), |s| s.contains("❯"))?;
    let mut hinted = false;
    pane.typed(&line);
    pane.wait(Duration::from_secs(10), |s| s.contains(&line))?;
    let typed_at = pane.cursor_x()?;
    let done = loop {
        pane.keys(&["Tab"]);
        let start = Instant::now();
        let mut changed = None;
        // A Tab on a cold cache waits up to 300 ms for the list, then shows the hint; the
        // next Tab goes in as soon as that one has returned.
        while start.elapsed() < Duration::from_millis(320) {
            hinted |= pane.screen().contains("listing");
            if pane.cursor_x()? == typed_at + 1 {
                changed = Some(Instant::now());
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Some(t) = changed {
            break t;
        }
        if shown.elapsed() > Duration::from_secs(120) {
            return Err(format!("no completion for `{line}` within 120 s:\n{}", pane.screen()));
        }
    };
    let first_tab = done - shown;
    // Let the watch settle and the allocator give back what the list used.
    std::thread::sleep(Duration::from_secs(2));
    let rss = rss_kib(pane.pid()?);
    Ok(ShellFigures { first_tab, hinted, rss })
}

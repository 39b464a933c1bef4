//! Packaging as a kubectl plugin: discovery and completion through the real kubectl,
//! completion scripts that match the clap definition, and a krew manifest that passes
//! krew's validation rules (kubernetes-sigs/krew internal/index/validation).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{TestCluster, kubectl_path};

/// A PATH with the built plugin and its completion helper in front.
fn plugin_path(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_kubectl-podsh"));
    let link = bin.join("kubectl-podsh");
    if !link.exists() {
        std::os::unix::fs::symlink(&exe, &link).expect("plugin on PATH");
    }
    let helper = bin.join("kubectl_complete-podsh");
    if !helper.exists() {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kubectl_complete-podsh"), &helper)
            .expect("helper on PATH");
    }
    let kubectl_dir = kubectl_path().parent().map(Path::to_path_buf).unwrap_or_default();
    format!("{}:{}:/usr/bin:/bin", bin.display(), kubectl_dir.display())
}

fn kubectl_with_plugin(c: &TestCluster, args: &[&str]) -> (String, String, i32) {
    let out = c
        .kubectl_cmd(args)
        .env("PATH", plugin_path(c.dir.path()))
        .env("XDG_STATE_HOME", c.dir.path().join("state"))
        .output()
        .expect("kubectl runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn kubectl_finds_and_runs_the_plugin() {
    let c = TestCluster::start();
    let (out, _, code) = kubectl_with_plugin(&c, &["plugin", "list", "--name-only"]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l == "kubectl-podsh"), "{out}");
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    let (out, err, code) = kubectl_with_plugin(&c, &["podsh", "-n", "default", "-c", "ctx; ns; get pods -o name"]);
    assert_eq!((code, out.as_str()), (0, "sim\ndefault\npod/web\n"), "{err}");
}

#[test]
fn kubectl_completes_the_plugin_through_its_helper() {
    let c = TestCluster::start();
    let extra = c.dir.path().join("two-contexts.yaml");
    let text = std::fs::read_to_string(&c.kubeconfig).expect("kubeconfig");
    let second = text.replace(
        "contexts:\n- name: sim\n",
        "contexts:\n- name: other\n  context:\n    cluster: sim\n    user: sim\n- name: sim\n",
    );
    std::fs::write(&extra, second).expect("written");
    let out = c
        .kubectl_cmd(&["__complete", "podsh", "--context", ""])
        .env("KUBECONFIG", &extra)
        .env("PATH", plugin_path(c.dir.path()))
        .output()
        .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, "other\nsim\n:4\n", "{}", String::from_utf8_lossy(&out.stderr));
    let (flags, _, _) = kubectl_with_plugin(&c, &["__complete", "podsh", "--play"]);
    assert_eq!(flags, "--playground\tStart the built-in simulated cluster and open the shell on it\n:4\n");
    c.kubectl(&["create", "namespace", "dev"]).ok();
    let (names, _, _) = kubectl_with_plugin(&c, &["__complete", "podsh", "-n", "d"]);
    assert_eq!(names, "default\ndev\n:4\n");
}

#[test]
fn committed_completion_scripts_are_current() {
    for (shell, file) in [
        (clap_complete::Shell::Bash, "kubectl-podsh.bash"),
        (clap_complete::Shell::Zsh, "_kubectl-podsh"),
        (clap_complete::Shell::Fish, "kubectl-podsh.fish"),
    ] {
        let committed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("completions").join(file))
            .expect("committed script");
        let fresh = Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
            .args(["completion", &shell.to_string()])
            .output()
            .expect("runs")
            .stdout;
        assert!(
            committed == fresh,
            "completions/{file} is stale: run `kubectl-podsh completion {shell} > completions/{file}`"
        );
    }
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
}

#[test]
fn krew_manifest_passes_krews_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("plugin-manifest/podsh.yaml")).expect("manifest");
    check_krew_rules(&text);
}

/// The release recipe fills the manifest from the archives' checksum files: each built
/// platform's sha256, the others left as they were; the result still passes krew's rules.
#[test]
fn the_release_recipe_fills_the_manifest_from_the_checksums() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("podsh-release-{}", std::process::id()));
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    let manifest = dir.join("podsh.yaml");
    std::fs::copy(root.join("plugin-manifest/podsh.yaml"), &manifest).expect("copy");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let sums = [("linux_amd64.tar.gz", "ab"), ("windows_amd64.zip", "cd")];
    for (suffix, byte) in sums {
        let name = format!("kubectl-podsh_{version}_{suffix}");
        std::fs::write(dist.join(format!("{name}.sha256")), format!("{}  {name}\n", byte.repeat(32))).expect("sum");
    }
    let out = std::process::Command::new(root.join(".ci/release"))
        .arg("--manifest-only")
        .env("DIST", &dist)
        .env("MANIFEST", &manifest)
        .output()
        .expect(".ci/release runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&manifest).expect("filled");
    let _ = std::fs::remove_dir_all(&dir);
    check_krew_rules(&text);
    let m: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    let sha = |os: &str, arch: &str| -> String {
        let platforms = m["spec"]["platforms"].as_array().expect("platforms");
        let p = platforms
            .iter()
            .find(|p| p["selector"]["matchLabels"]["os"] == os && p["selector"]["matchLabels"]["arch"] == arch);
        p.and_then(|p| p["sha256"].as_str()).unwrap_or_default().to_string()
    };
    assert_eq!(sha("linux", "amd64"), "ab".repeat(32));
    assert_eq!(sha("windows", "amd64"), "cd".repeat(32));
    assert_eq!(sha("darwin", "arm64"), "0".repeat(64), "no archive, no change");
    assert!(text.contains(&format!("/download/{version}/kubectl-podsh_{version}_linux_arm64.tar.gz")));
}

fn check_krew_rules(text: &str) {
    let m: serde_json::Value = serde_saphyr::from_str(text).expect("manifest is YAML");
    assert_eq!(m["apiVersion"], "krew.googlecontainertools.github.com/v1alpha2");
    assert_eq!(m["kind"], "Plugin");
    let name = m["metadata"]["name"].as_str().expect("name");
    assert_eq!(name, "podsh", "metadata.name equals the file name");
    assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    let spec = &m["spec"];
    let version = spec["version"].as_str().expect("version");
    let bare = version.strip_prefix('v').expect("version starts with v");
    assert!(is_semver(bare), "{version} is semver");
    assert_eq!(bare, env!("CARGO_PKG_VERSION"), "manifest version equals Cargo's");
    let short = spec["shortDescription"].as_str().expect("shortDescription");
    assert!(!short.is_empty() && !short.contains('\n'));
    assert!(spec["description"].as_str().is_some_and(|d| !d.trim().is_empty()));
    assert!(spec["caveats"].as_str().is_some());
    let platforms = spec["platforms"].as_array().expect("platforms");
    let mut covered = Vec::new();
    for p in platforms {
        let labels = p["selector"]["matchLabels"].as_object().expect("matchLabels");
        assert!(!labels.is_empty() && labels.keys().all(|k| k == "os" || k == "arch"), "selector uses os/arch only");
        covered.push(format!("{}/{}", labels["os"].as_str().unwrap_or(""), labels["arch"].as_str().unwrap_or("")));
        let uri = p["uri"].as_str().expect("uri");
        assert!(uri.starts_with("https://") && (uri.ends_with(".tar.gz") || uri.ends_with(".zip")), "{uri}");
        let sha = p["sha256"].as_str().expect("sha256");
        assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{sha}");
        // krew runs `bin` as is: Windows needs the .exe name.
        let bin = if labels["os"] == "windows" { "kubectl-podsh.exe" } else { "kubectl-podsh" };
        assert_eq!(p["bin"], bin);
        let files = p["files"].as_array().expect("files");
        assert!(!files.is_empty(), "an empty files list is invalid");
        assert!(files.iter().all(|f| f["from"].is_string() && f["to"].is_string()));
    }
    covered.sort();
    assert_eq!(covered, ["darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64"]);
}

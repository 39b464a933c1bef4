//! What a process started in a container sees, read from the store: the environment the
//! kubelet and runtime give it (image variables, `env`, `envFrom`, downward API fields,
//! the `kubernetes` service variables), its volumes' files, its main command, and the
//! container instance's filesystem (made here on first use).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Container as Spec, Pod};

use crate::sim::configrefs::{config_map, secret};
use crate::sim::program::{default_command, image_base};
use crate::sim::referenced::KUBERNETES_IP;
use crate::sim::runtime::ephemeral_spec;
use crate::sim::store::{Key, Store};
use crate::sim::userland::fs::Fs;
use futures::FutureExt;

use crate::sim::userland::io::{Sink, Source};
use crate::sim::userland::process::{Host, PATH, Shell};
use crate::sim::userland::seed::{Container, Mount, filesystem};
use crate::sim::userland::shell::run_command;
use crate::sim::userland::web::Served;

/// Environment variables an image declares (`ENV` in its Dockerfile).
fn image_env(image: &str) -> Vec<(&'static str, &'static str)> {
    match image_base(image) {
        "nginx" => vec![("NGINX_VERSION", "1.27.3"), ("NJS_VERSION", "0.8.7"), ("PKG_RELEASE", "1~bookworm")],
        "httpd" => vec![("HTTPD_PREFIX", "/usr/local/apache2"), ("HTTPD_VERSION", "2.4.62")],
        _ => Vec::new(),
    }
}

fn config_data(store: &Store, ns: &str, name: &str) -> Option<BTreeMap<String, Vec<u8>>> {
    let cm = config_map(store, ns, name)?;
    let mut out: BTreeMap<String, Vec<u8>> =
        cm.data.iter().flatten().map(|(k, v)| (k.clone(), v.clone().into_bytes())).collect();
    out.extend(cm.binary_data.iter().flatten().map(|(k, v)| (k.clone(), v.0.clone())));
    Some(out)
}

fn secret_data(store: &Store, ns: &str, name: &str) -> Option<BTreeMap<String, Vec<u8>>> {
    let s = secret(store, ns, name)?;
    let mut out: BTreeMap<String, Vec<u8>> = s.data.iter().flatten().map(|(k, v)| (k.clone(), v.0.clone())).collect();
    out.extend(s.string_data.iter().flatten().map(|(k, v)| (k.clone(), v.clone().into_bytes())));
    Some(out)
}

fn field(pod: &Pod, path: &str, ip: &str) -> String {
    let meta = &pod.metadata;
    match path {
        "metadata.name" => meta.name.clone().unwrap_or_default(),
        "metadata.namespace" => meta.namespace.clone().unwrap_or_default(),
        "metadata.uid" => meta.uid.clone().unwrap_or_default(),
        "spec.nodeName" => pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => pod.spec.as_ref().and_then(|s| s.service_account_name.clone()).unwrap_or_default(),
        "status.podIP" => ip.to_string(),
        "status.hostIP" => pod.status.as_ref().and_then(|s| s.host_ip.clone()).unwrap_or_default(),
        p => {
            let label = |prefix: &str, map: &Option<BTreeMap<String, String>>| {
                p.strip_prefix(prefix)
                    .and_then(|k| map.as_ref()?.get(k.trim_start_matches("['").trim_end_matches("']")).cloned())
            };
            label("metadata.labels", &meta.labels)
                .or_else(|| label("metadata.annotations", &meta.annotations))
                .unwrap_or_default()
        }
    }
}

fn environment(store: &Store, pod: &Pod, spec: &Spec, ip: &str, tty: bool) -> Vec<(String, String)> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let mut env: Vec<(String, String)> =
        vec![("PATH".into(), PATH.into()), ("HOSTNAME".into(), pod.metadata.name.clone().unwrap_or_default())];
    if tty {
        env.push(("TERM".into(), "xterm".into()));
    }
    let set = |env: &mut Vec<(String, String)>, k: String, v: String| match env.iter_mut().find(|(n, _)| *n == k) {
        Some(e) => e.1 = v,
        None => env.push((k, v)),
    };
    for source in spec.env_from.iter().flatten() {
        let prefix = source.prefix.clone().unwrap_or_default();
        let data = match (&source.config_map_ref, &source.secret_ref) {
            (Some(r), _) => config_data(store, &ns, &r.name),
            (_, Some(r)) => secret_data(store, &ns, &r.name),
            _ => None,
        };
        for (k, v) in data.into_iter().flatten() {
            set(&mut env, format!("{prefix}{k}"), String::from_utf8_lossy(&v).into_owned());
        }
    }
    for var in spec.env.iter().flatten() {
        let value = match &var.value_from {
            None => var.value.clone().unwrap_or_default(),
            Some(from) => {
                if let Some(r) = &from.config_map_key_ref {
                    config_data(store, &ns, &r.name)
                        .and_then(|d| d.get(&r.key).cloned())
                        .map(|v| String::from_utf8_lossy(&v).into_owned())
                        .unwrap_or_default()
                } else if let Some(r) = &from.secret_key_ref {
                    secret_data(store, &ns, &r.name)
                        .and_then(|d| d.get(&r.key).cloned())
                        .map(|v| String::from_utf8_lossy(&v).into_owned())
                        .unwrap_or_default()
                } else if let Some(r) = &from.field_ref {
                    field(pod, &r.field_path, ip)
                } else {
                    String::new()
                }
            }
        };
        // `$(VAR)` refers to variables defined earlier, as the kubelet expands them.
        let expanded = expand_refs(&value, &env);
        set(&mut env, var.name.clone(), expanded);
    }
    // The variables the kubelet gives every container for the `kubernetes` Service.
    let ip = KUBERNETES_IP;
    let svc = [
        ("KUBERNETES_SERVICE_PORT_HTTPS", "443".to_string()),
        ("KUBERNETES_SERVICE_PORT", "443".into()),
        ("KUBERNETES_PORT_443_TCP", format!("tcp://{ip}:443")),
        ("KUBERNETES_PORT_443_TCP_PROTO", "tcp".into()),
        ("KUBERNETES_PORT_443_TCP_ADDR", ip.into()),
        ("KUBERNETES_SERVICE_HOST", ip.into()),
        ("KUBERNETES_PORT", format!("tcp://{ip}:443")),
        ("KUBERNETES_PORT_443_TCP_PORT", "443".into()),
    ];
    for (k, v) in svc {
        if !env.iter().any(|(n, _)| n == k) {
            env.push((k.into(), v));
        }
    }
    for (k, v) in image_env(spec.image.as_deref().unwrap_or("")) {
        if !env.iter().any(|(n, _)| n == k) {
            env.push((k.into(), v.into()));
        }
    }
    env.push(("HOME".into(), "/root".into()));
    env
}

fn expand_refs(value: &str, env: &[(String, String)]) -> String {
    let mut out = value.to_string();
    for (k, v) in env {
        out = out.replace(&format!("$({k})"), v);
    }
    out
}

fn mounts(store: &Store, pod: &Pod, spec: &Spec) -> Vec<Mount> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let volumes = pod.spec.as_ref().and_then(|s| s.volumes.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for vm in spec.volume_mounts.iter().flatten() {
        let Some(v) = volumes.iter().find(|v| v.name == vm.name) else { continue };
        let (data, items) = if let Some(cm) = &v.config_map {
            (config_data(store, &ns, &cm.name), cm.items.clone())
        } else if let Some(sec) = &v.secret {
            (secret_data(store, &ns, sec.secret_name.as_deref().unwrap_or("")), sec.items.clone())
        } else {
            (Some(BTreeMap::new()), None)
        };
        let data = data.unwrap_or_default();
        let files: Vec<(String, Vec<u8>)> = match items {
            Some(items) => items.iter().filter_map(|i| data.get(&i.key).map(|d| (i.path.clone(), d.clone()))).collect(),
            None => data.into_iter().collect(),
        };
        match &vm.sub_path {
            Some(sub) if !sub.is_empty() => {
                if let Some((_, d)) = files.iter().find(|(k, _)| k == sub) {
                    let (dir, name) = vm.mount_path.rsplit_once('/').unwrap_or(("", &vm.mount_path));
                    out.push(Mount {
                        path: if dir.is_empty() { "/".into() } else { dir.into() },
                        files: vec![(name.into(), d.clone())],
                    });
                }
            }
            _ => out.push(Mount { path: vm.mount_path.clone(), files }),
        }
    }
    out
}

/// Why a process cannot start in this container, as the API server words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoPod,
    NoContainer(String),
    NotRunning(String),
    Completed(String),
}

/// A running container opened for a process: its facts and its instance's filesystem,
/// and the web servers its pod's network offers (containers share `localhost`).
pub struct Opened {
    pub ctr: Arc<Container>,
    pub fs: Arc<Mutex<Fs>>,
    /// Its main process is a shell waiting on stdin.
    pub interactive: bool,
    pub network: Arc<Vec<Served>>,
}

/// Every container of the pod, by name, with its spec.
fn specs(pod: &Pod) -> Vec<Spec> {
    let spec = pod.spec.clone().unwrap_or_default();
    let eph = spec.ephemeral_containers.iter().flatten().map(ephemeral_spec);
    spec.containers.iter().chain(spec.init_containers.iter().flatten()).cloned().chain(eph).collect()
}

/// The userland of one running container instance: its facts, and its filesystem (made
/// on first use and kept in the kubelet's record of the instance).
fn instance(store: &mut Store, key: &Key, pod: &Pod, cspec: &Spec, tty: bool, ca_pem: &str) -> Option<Served> {
    let ip = store.runtime.get(key)?.pod_ip.clone().unwrap_or_default();
    let image = cspec.image.clone().unwrap_or_default();
    let main: Vec<String> = cspec.command.iter().flatten().chain(cspec.args.iter().flatten()).cloned().collect();
    let main = if main.is_empty() { vec![default_command(&image).to_string()] } else { main };
    let ctr = Container {
        pod: pod.metadata.name.clone().unwrap_or_default(),
        namespace: key.0.clone(),
        name: cspec.name.clone(),
        image,
        pod_ip: ip.clone(),
        env: environment(store, pod, cspec, &ip, tty),
        main,
        mounts: mounts(store, pod, cspec),
        ca_pem: ca_pem.to_string(),
    };
    let c = store.runtime.get_mut(key)?.find_mut(&cspec.name)?;
    let fs = c.fs.get_or_insert_with(|| Arc::new(Mutex::new(filesystem(&ctr)))).clone();
    let ops = std::mem::take(&mut c.fs_ops);
    let ctr = Arc::new(ctr);
    replay(&ctr, &fs, ops);
    Some(Served { ctr, fs })
}

/// A host for commands whose side effects are only on the filesystem.
struct Quiet;

impl Host for Quiet {
    fn log_line(&self, _container: &str, _line: String) {}
}

/// Applies what the main program did to the filesystem since it was last looked at
/// (`touch /tmp/healthy`, `rm -f /tmp/healthy`), through the container's own programs.
fn replay(ctr: &Arc<Container>, fs: &Arc<Mutex<Fs>>, ops: Vec<Vec<String>>) {
    for argv in ops {
        let mut sh = Shell::new(Arc::clone(ctr), Arc::clone(fs), Arc::new(Quiet), "sh", 1);
        let (mut out, mut err) = (Sink::Null, Sink::Null);
        let mut stdin = Source::Empty;
        // These programs never wait, so the future is ready at its first poll.
        let _ = run_command(&mut sh, &argv, &mut stdin, &mut out, &mut err).now_or_never();
    }
}

/// The container a stream request names (the first one when it names none), its userland
/// facts, its instance's filesystem, and the pod's servers.
pub fn open(store: &mut Store, key: &Key, name: Option<&str>, tty: bool, ca_pem: &str) -> Result<Opened, Refusal> {
    let pod = store.pods.get(key).ok_or(Refusal::NoPod)?;
    let all = specs(&pod);
    let wanted = match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => pod.spec.as_ref().and_then(|s| s.containers.first()).map(|c| c.name.clone()).unwrap_or_default(),
    };
    let cspec = all.iter().find(|c| c.name == wanted).ok_or_else(|| Refusal::NoContainer(wanted.clone()))?;
    let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        return Err(Refusal::Completed(phase));
    }
    let rt = store.runtime.get(key).ok_or(Refusal::NoPod)?;
    let running = |name: &str| rt.find(name).is_some_and(|c| c.is_running());
    if !running(&wanted) {
        return Err(Refusal::NotRunning(wanted));
    }
    let interactive = rt.find(&wanted).is_some_and(|c| c.interactive);
    let servers: Vec<&Spec> =
        all.iter().filter(|c| running(&c.name) && Container::serves(c.image.as_deref().unwrap_or(""))).collect();
    let network: Vec<Served> =
        servers.into_iter().filter_map(|c| instance(store, key, &pod, c, false, ca_pem)).collect();
    let own = instance(store, key, &pod, cspec, tty, ca_pem).ok_or(Refusal::NoPod)?;
    Ok(Opened { ctr: own.ctr, fs: own.fs, interactive, network: Arc::new(network) })
}

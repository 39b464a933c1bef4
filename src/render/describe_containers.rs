//! The container sections of `describe pod` (describe.go `describeContainers` and its
//! helpers): ids, image, ports, command and args, state and last state, readiness,
//! resources, probes, environment and mounts.

use k8s_openapi::api::core::v1::{Container, ContainerState, ContainerStatus, EnvVar, Pod, Probe};
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

use super::describe_text::{Out, or_none, rfc1123z};

fn ports(c: &Container, host: bool) -> String {
    c.ports
        .iter()
        .flatten()
        .map(|p| {
            let n = if host { p.host_port.unwrap_or(0) } else { p.container_port };
            format!("{n}/{}", p.protocol.as_deref().unwrap_or(""))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn state(o: &mut Out, name: &str, st: Option<&ContainerState>, tz: &TimeZone) {
    let st = st.cloned().unwrap_or_default();
    let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>| {
        t.map(|t| rfc1123z(&t.0, tz)).unwrap_or_else(|| rfc1123z(&Timestamp::UNIX_EPOCH, tz))
    };
    if let Some(r) = &st.running {
        o.w(2, &format!("{name}:\tRunning\n"));
        o.w(3, &format!("Started:\t{}\n", time(r.started_at.as_ref())));
    } else if let Some(w) = &st.waiting {
        o.w(2, &format!("{name}:\tWaiting\n"));
        if let Some(r) = w.reason.as_deref().filter(|r| !r.is_empty()) {
            o.w(3, &format!("Reason:\t{r}\n"));
        }
    } else if let Some(t) = &st.terminated {
        o.w(2, &format!("{name}:\tTerminated\n"));
        if let Some(r) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            o.w(3, &format!("Reason:\t{r}\n"));
        }
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            o.w(3, &format!("Message:\t{m}\n"));
        }
        o.w(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(s) = t.signal.filter(|s| *s > 0) {
            o.w(3, &format!("Signal:\t{s}\n"));
        }
        o.w(3, &format!("Started:\t{}\n", time(t.started_at.as_ref())));
        o.w(3, &format!("Finished:\t{}\n", time(t.finished_at.as_ref())));
    } else {
        o.w(2, &format!("{name}:\tWaiting\n"));
    }
}

fn probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    let port = |p: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString| match p {
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
        k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
    };
    if let Some(e) = &p.exec {
        return format!("exec [{}] {attrs}", e.command.clone().unwrap_or_default().join(" "));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("").to_lowercase();
        let host = h.host.as_deref().unwrap_or("");
        let port = port(&h.port);
        let hostport = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        return format!("http-get {scheme}://{hostport}{} {attrs}", h.path.as_deref().unwrap_or(""));
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp-socket {}:{} {attrs}", t.host.as_deref().unwrap_or(""), port(&t.port));
    }
    if let Some(g) = &p.grpc {
        return format!("grpc <pod>:{} {} {attrs}", g.port, g.service.as_deref().unwrap_or(""));
    }
    format!("unknown {attrs}")
}

fn field_value(pod: &Pod, path: &str) -> String {
    let m = &pod.metadata;
    match path {
        "metadata.name" => m.name.clone().unwrap_or_default(),
        "metadata.namespace" => m.namespace.clone().unwrap_or_default(),
        "metadata.uid" => m.uid.clone().unwrap_or_default(),
        "spec.nodeName" => pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default(),
        "spec.serviceAccountName" => pod.spec.as_ref().and_then(|s| s.service_account_name.clone()).unwrap_or_default(),
        "status.podIP" => pod.status.as_ref().and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
        "status.hostIP" => pod.status.as_ref().and_then(|s| s.host_ip.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn env(o: &mut Out, pod: &Pod, vars: Option<&Vec<EnvVar>>) {
    let vars = vars.cloned().unwrap_or_default();
    o.w(2, if vars.is_empty() { "Environment:\t<none>\n" } else { "Environment:\n" });
    for e in &vars {
        let Some(from) = &e.value_from else {
            for (i, s) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                if i == 0 {
                    o.w(3, &format!("{}:\t{s}\n", e.name));
                } else {
                    o.w(3, &format!("\t{s}\n"));
                }
            }
            continue;
        };
        if let Some(f) = &from.field_ref {
            let api = f.api_version.as_deref().unwrap_or("");
            o.w(3, &format!("{}:\t{} ({api}:{})\n", e.name, field_value(pod, &f.field_path), f.field_path));
        } else if let Some(r) = &from.resource_field_ref {
            o.w(3, &format!("{}:\t{} ({})\n", e.name, "", r.resource));
        } else if let Some(s) = &from.secret_key_ref {
            let opt = s.optional.unwrap_or(false);
            o.w(3, &format!("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {opt}\n", e.name, s.key, s.name));
        } else if let Some(c) = &from.config_map_key_ref {
            let opt = c.optional.unwrap_or(false);
            o.w(3, &format!("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {opt}\n", e.name, c.key, c.name));
        }
    }
}

pub(super) fn containers(
    o: &mut Out,
    pod: &Pod,
    label: &str,
    list: &[Container],
    statuses: &[ContainerStatus],
    tz: &TimeZone,
) {
    if list.is_empty() {
        o.w(0, &format!("{label}:\t<none>\n"));
        return;
    }
    o.w(0, &format!("{label}:\n"));
    for c in list {
        let st = statuses.iter().find(|s| s.name == c.name);
        o.w(1, &format!("{}:\n", c.name));
        if let Some(s) = st {
            o.w(2, &format!("Container ID:\t{}\n", s.container_id.as_deref().unwrap_or("")));
        }
        o.w(2, &format!("Image:\t{}\n", c.image.as_deref().unwrap_or("")));
        if let Some(s) = st {
            o.w(2, &format!("Image ID:\t{}\n", s.image_id));
        }
        let (p, hp) = (ports(c, false), ports(c, true));
        o.w(2, &if p.contains(',') { format!("Ports:\t{p}\n") } else { format!("Port:\t{}\n", or_none(&p)) });
        o.w(
            2,
            &if hp.contains(',') { format!("Host Ports:\t{hp}\n") } else { format!("Host Port:\t{}\n", or_none(&hp)) },
        );
        for (title, items) in [("Command", &c.command), ("Args", &c.args)] {
            if let Some(items) = items.as_ref().filter(|i| !i.is_empty()) {
                o.w(2, &format!("{title}:\n"));
                for item in items {
                    for s in item.split('\n') {
                        o.w(3, &format!("{s}\n"));
                    }
                }
            }
        }
        if let Some(s) = st {
            state(o, "State", s.state.as_ref(), tz);
            if s.last_state.as_ref().and_then(|l| l.terminated.as_ref()).is_some() {
                state(o, "Last State", s.last_state.as_ref(), tz);
            }
            o.w(2, &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }));
            o.w(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        if let Some(r) = &c.resources {
            for (title, m) in [("Limits", &r.limits), ("Requests", &r.requests)] {
                if let Some(m) = m.as_ref().filter(|m| !m.is_empty()) {
                    o.w(2, &format!("{title}:\n"));
                    for (k, q) in m {
                        o.w(3, &format!("{k}:\t{}\n", q.0));
                    }
                }
            }
        }
        for (title, p) in
            [("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe), ("Startup", &c.startup_probe)]
        {
            if let Some(p) = p {
                o.w(2, &format!("{title}:\t{}\n", probe(p)));
            }
        }
        if let Some(from) = c.env_from.as_ref().filter(|f| !f.is_empty()) {
            o.w(2, "Environment Variables from:\n");
            for f in from {
                let prefix = f
                    .prefix
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" with prefix '{p}'"))
                    .unwrap_or_default();
                if let Some(cm) = &f.config_map_ref {
                    o.w(3, &format!("{}\tConfigMap{prefix}\tOptional: {}\n", cm.name, cm.optional.unwrap_or(false)));
                } else if let Some(s) = &f.secret_ref {
                    o.w(3, &format!("{}\tSecret{prefix}\tOptional: {}\n", s.name, s.optional.unwrap_or(false)));
                }
            }
        }
        env(o, pod, c.env.as_ref());
        let mut mounts = c.volume_mounts.clone().unwrap_or_default();
        o.w(2, if mounts.is_empty() { "Mounts:\t<none>\n" } else { "Mounts:\n" });
        mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
        for m in mounts {
            let mut flags = vec![if m.read_only.unwrap_or(false) { "ro".to_string() } else { "rw".to_string() }];
            if let Some(sp) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            o.w(3, &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")));
        }
    }
}

//! The container sections of `describe pod` (describe.go `describeContainers` and its
//! helpers): ids, image, ports, seccomp profile, command and args, state and last state,
//! readiness, resources, probes, environment (values kubectl resolves itself) and mounts.

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, EnvVar, Pod, Probe, ResourceFieldSelector, ResourceRequirements,
    SecurityContext,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

use super::text::{Out, go_bool, or_none, rfc1123z};
use crate::common::quantity::{Quantity, canonical};

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

fn port_text(p: &IntOrString) -> String {
    match p {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Go's `url.URL{Scheme, Host, Path}.String()` for an HTTP probe.
fn probe_url(scheme: &str, host: &str, port: &str, path: &str) -> String {
    let host = if port.is_empty() {
        host.to_string()
    } else if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut url = String::new();
    if !scheme.is_empty() {
        url.push_str(scheme);
        url.push(':');
    }
    if !scheme.is_empty() || !host.is_empty() {
        url.push_str("//");
        url.push_str(&host);
    }
    if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
        url.push('/');
    }
    url.push_str(path);
    url
}

pub(super) fn probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    if let Some(e) = &p.exec {
        return format!("exec [{}] {attrs}", e.command.clone().unwrap_or_default().join(" "));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("").to_lowercase();
        let url =
            probe_url(&scheme, h.host.as_deref().unwrap_or(""), &port_text(&h.port), h.path.as_deref().unwrap_or(""));
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp-socket {}:{} {attrs}", t.host.as_deref().unwrap_or(""), port_text(&t.port));
    }
    if let Some(g) = &p.grpc {
        return format!("grpc <pod>:{} {} {attrs}", g.port, g.service.as_deref().unwrap_or(""));
    }
    format!("unknown {attrs}")
}

/// A downward-API field as kubectl's describe resolves it: kubectl's scheme converts only
/// `metadata.name` and `metadata.namespace` field labels, so every other path prints
/// empty.
fn field_value(pod: &Pod, path: &str) -> String {
    let m = &pod.metadata;
    match path {
        "metadata.name" => m.name.clone().unwrap_or_default(),
        "metadata.namespace" => m.namespace.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// `resourcehelper.ExtractContainerResourceValue`: the container's limit or request in
/// units of the divisor, rounded up; kubectl shows a zero limit as `node allocatable`.
fn resource_value(sel: &ResourceFieldSelector, c: &Container) -> String {
    let divisor = sel.divisor.as_ref().and_then(|d| Quantity::parse(&d.0)).filter(|d| !d.is_zero());
    let divisor = divisor.or_else(|| Quantity::parse("1"));
    let Some(divisor) = divisor else { return String::new() };
    let Some((kind, name)) = sel.resource.split_once('.') else { return String::new() };
    let res = c.resources.as_ref();
    let list = match kind {
        "limits" => res.and_then(|r| r.limits.as_ref()),
        "requests" => res.and_then(|r| r.requests.as_ref()),
        _ => return String::new(),
    };
    let q = list.and_then(|l| l.get(name)).and_then(|q| Quantity::parse(&q.0)).or_else(|| Quantity::parse("0"));
    let Some(q) = q else { return String::new() };
    let ceil_div = |a: i128, b: i128| if b == 0 { 0 } else { (a as f64 / b as f64).ceil() as i128 };
    let value = match name {
        "cpu" => ceil_div(q.milli_value(), divisor.milli_value()),
        "memory" | "ephemeral-storage" => ceil_div(q.value(), divisor.value()),
        n if n.starts_with("hugepages-") => ceil_div(q.value(), divisor.value()),
        _ => return String::new(),
    };
    let text = value.to_string();
    if text == "0" && (sel.resource == "limits.cpu" || sel.resource == "limits.memory") {
        return "node allocatable".into();
    }
    text
}

fn env(o: &mut Out, pod: &Pod, c: &Container) {
    let vars: Vec<EnvVar> = c.env.clone().unwrap_or_default();
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
            o.w(3, &format!("{}:\t{} ({})\n", e.name, resource_value(r, c), r.resource));
        } else if let Some(s) = &from.secret_key_ref {
            let opt = go_bool(s.optional);
            o.w(3, &format!("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {opt}\n", e.name, s.key, s.name));
        } else if let Some(cm) = &from.config_map_key_ref {
            let opt = go_bool(cm.optional);
            o.w(
                3,
                &format!("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {opt}\n", e.name, cm.key, cm.name),
            );
        }
    }
}

fn env_from(o: &mut Out, c: &Container) {
    let Some(from) = c.env_from.as_ref().filter(|f| !f.is_empty()) else { return };
    o.w(2, "Environment Variables from:\n");
    for f in from {
        let (kind, name, optional) = match (&f.config_map_ref, &f.secret_ref) {
            (Some(cm), _) => ("ConfigMap", cm.name.as_str(), go_bool(cm.optional)),
            (None, Some(s)) => ("Secret", s.name.as_str(), go_bool(s.optional)),
            (None, None) => ("", "", false),
        };
        match f.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => o.w(3, &format!("{name}\t{kind}\tOptional: {optional}\n")),
            Some(p) => o.w(3, &format!("{name}\t{kind} with prefix '{p}'\tOptional: {optional}\n")),
        }
    }
}

/// `Limits:` and `Requests:` with canonical quantities, by resource name.
pub(super) fn resources(o: &mut Out, r: Option<&ResourceRequirements>, level: usize) {
    let Some(r) = r else { return };
    for (title, m) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        if let Some(m) = m.as_ref().filter(|m| !m.is_empty()) {
            o.w(level, &format!("{title}:\n"));
            for (k, q) in m {
                o.w(level + 1, &format!("{k}:\t{}\n", canonical(&q.0)));
            }
        }
    }
}

fn mounts(o: &mut Out, c: &Container) {
    let mut mounts = c.volume_mounts.clone().unwrap_or_default();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    o.w(2, &format!("Mounts:{none}\n"));
    mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for m in mounts {
        let mut flags = vec![if m.read_only.unwrap_or(false) { "ro".to_string() } else { "rw".to_string() }];
        if let Some(sp) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={sp:?}"));
        }
        o.w(3, &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")));
    }
    if let Some(devices) = c.volume_devices.as_ref().filter(|d| !d.is_empty()) {
        // kubectl reuses the mounts' "<none>" marker here.
        o.w(2, &format!("Devices:{none}\n"));
        let mut devices = devices.clone();
        devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
        for d in devices {
            o.w(3, &format!("{} from {}\n", d.device_path, d.name));
        }
    }
}

/// A container's seccomp profile (the pod's uses `pod_seccomp`).
fn seccomp(o: &mut Out, level: usize, sc: Option<&SecurityContext>) {
    let Some(profile) = sc.and_then(|s| s.seccomp_profile.as_ref()) else { return };
    o.w(level, &format!("SeccompProfile:\t{}\n", profile.type_));
    if profile.type_ == "Localhost" {
        o.w(level + 1, &format!("LocalhostProfile:\t{}\n", profile.localhost_profile.as_deref().unwrap_or("")));
    }
}

fn basic_info(o: &mut Out, c: &Container, st: Option<&ContainerStatus>) {
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
    o.w(2, &if hp.contains(',') { format!("Host Ports:\t{hp}\n") } else { format!("Host Port:\t{}\n", or_none(&hp)) });
    seccomp(o, 2, c.security_context.as_ref());
}

fn command(o: &mut Out, c: &Container) {
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
}

/// One containers section (`Init Containers`, `Containers`, `Ephemeral Containers`).
pub(super) fn containers(
    o: &mut Out,
    pod: &Pod,
    label: &str,
    list: &[Container],
    statuses: &[ContainerStatus],
    tz: &TimeZone,
) {
    o.w(0, &format!("{label}:{}\n", if list.is_empty() { " <none>" } else { "" }));
    for c in list {
        let st = statuses.iter().find(|s| s.name == c.name);
        basic_info(o, c, st);
        command(o, c);
        if let Some(s) = st {
            state(o, "State", s.state.as_ref(), tz);
            if s.last_state.as_ref().and_then(|l| l.terminated.as_ref()).is_some() {
                state(o, "Last State", s.last_state.as_ref(), tz);
            }
            o.w(2, &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }));
            o.w(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        resources(o, c.resources.as_ref(), 2);
        for (title, p) in
            [("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe), ("Startup", &c.startup_probe)]
        {
            if let Some(p) = p {
                o.w(2, &format!("{title}:\t{}\n", probe(p)));
            }
        }
        env_from(o, c);
        env(o, pod, c);
        mounts(o, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as Q;

    #[test]
    fn probe_urls_as_go_prints_them() {
        assert_eq!(probe_url("http", "", "80", "/healthz"), "http://:80/healthz");
        assert_eq!(probe_url("https", "::1", "8443", "ready"), "https://[::1]:8443/ready");
        assert_eq!(probe_url("http", "", "http", ""), "http://:http");
        assert_eq!(probe_url("", "", "80", "/x"), "//:80/x");
    }

    #[test]
    fn resource_values_round_up_in_divisor_units() {
        let c: Container = serde_json::from_value(serde_json::json!({
            "name": "c",
            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}}
        }))
        .expect("a container");
        let sel = |r: &str, d: Option<&str>| ResourceFieldSelector {
            container_name: None,
            divisor: d.map(|d| Q(d.into())),
            resource: r.into(),
        };
        assert_eq!(resource_value(&sel("limits.cpu", None), &c), "1");
        assert_eq!(resource_value(&sel("limits.cpu", Some("1m")), &c), "500");
        assert_eq!(resource_value(&sel("limits.memory", Some("1Mi")), &c), "128");
        assert_eq!(resource_value(&sel("requests.memory", None), &c), "0");
        assert_eq!(resource_value(&sel("limits.ephemeral-storage", None), &c), "0");
        let none: Container = serde_json::from_value(serde_json::json!({"name": "c"})).expect("a container");
        assert_eq!(resource_value(&sel("limits.cpu", None), &none), "node allocatable");
        assert_eq!(resource_value(&sel("limits.memory", None), &none), "node allocatable");
        assert_eq!(resource_value(&sel("bogus", None), &none), "");
    }
}

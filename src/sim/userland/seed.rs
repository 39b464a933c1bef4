//! What a container's filesystem holds when it starts: the image's layout (a Debian-based
//! one for `nginx`, `httpd` and most images, BusyBox's for `busybox`, Alpine's for
//! `alpine`), the image's own files (nginx's welcome page and configuration), the files
//! the kubelet writes (`/etc/hosts`, `/etc/hostname`, the service account token) and the
//! pod's ConfigMap, Secret and emptyDir volumes at their mount paths.

use super::fs::{Fs, components};
use crate::sim::program::image_base;

/// The shell an image's `sh` is, which decides prompts and error wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// BusyBox ash (`busybox`, `alpine`): `sh: X: not found`, prompt `/ # `.
    Ash,
    /// Debian's dash as `sh` and GNU bash as `bash`.
    Debian,
}

/// A web server an image runs, answering HTTP on port 80.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Nginx,
    Httpd,
}

/// Files a volume puts at its mount path.
#[derive(Debug, Clone, Default)]
pub struct Mount {
    pub path: String,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Everything the container's userland knows about where it runs.
#[derive(Debug, Clone, Default)]
pub struct Container {
    pub pod: String,
    pub namespace: String,
    pub name: String,
    pub image: String,
    pub pod_ip: String,
    /// The environment the container runtime gives processes, in order.
    pub env: Vec<(String, String)>,
    /// The main process's command line (for `ps`).
    pub main: Vec<String>,
    pub mounts: Vec<Mount>,
    pub ca_pem: String,
}

impl Container {
    pub fn base(&self) -> &str {
        image_base(&self.image)
    }

    pub fn tag(&self) -> &str {
        let last = self.image.rsplit('/').next().unwrap_or("");
        last.split_once(':').map_or("latest", |(_, t)| t)
    }

    pub fn flavor(&self) -> Flavor {
        match self.base() {
            "busybox" | "alpine" => Flavor::Ash,
            _ => Flavor::Debian,
        }
    }

    pub fn server(&self) -> Option<Server> {
        match self.base() {
            "nginx" => Some(Server::Nginx),
            "httpd" => Some(Server::Httpd),
            _ => None,
        }
    }

    /// Whether a container of this image runs a web server.
    pub fn serves(image: &str) -> bool {
        matches!(image_base(image), "nginx" | "httpd")
    }

    /// The server's version as its `Server` header and `-v` say.
    pub fn server_version(&self) -> &'static str {
        match (self.server(), self.tag()) {
            (Some(Server::Httpd), _) => "Apache/2.4.62 (Unix)",
            (_, t) if t.starts_with("1.14") => "nginx/1.14.2",
            _ => "nginx/1.27.3",
        }
    }
}

/// Commands every image's shell can find on its PATH.
const CORE: &[&str] = &[
    "cat", "chmod", "cp", "date", "echo", "env", "false", "grep", "head", "hostname", "id", "ls", "mkdir", "mv",
    "printenv", "ps", "pwd", "rm", "rmdir", "sh", "sleep", "tail", "tar", "test", "[", "touch", "true", "uname", "wc",
    "whoami",
];

/// Programs images may carry beyond the core ones.
const EXTRA: &[&str] = &["ash", "bash", "curl", "httpd", "nginx", "wget"];

/// Whether this program name is one the simulated userland implements.
pub fn program_known(name: &str) -> bool {
    CORE.contains(&name) || EXTRA.contains(&name)
}

const DEBIAN_DIRS: &[&str] = &[
    "bin",
    "boot",
    "dev",
    "etc",
    "home",
    "lib",
    "lib64",
    "media",
    "mnt",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "srv",
    "sys",
    "tmp",
    "usr/bin",
    "usr/lib",
    "usr/local/bin",
    "usr/sbin",
    "usr/share",
    "var/cache",
    "var/lib",
    "var/log",
    "var/tmp",
];
const BUSYBOX_DIRS: &[&str] =
    &["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr/sbin", "var"];
const ALPINE_DIRS: &[&str] = &[
    "bin",
    "dev",
    "etc",
    "home",
    "lib",
    "media",
    "mnt",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "srv",
    "sys",
    "tmp",
    "usr/bin",
    "usr/lib",
    "usr/local",
    "usr/sbin",
    "usr/share",
    "var/cache",
    "var/lib",
    "var/log",
];

fn put(fs: &mut Fs, path: &str, data: &[u8], mode: u32) {
    let parts = components("/", path);
    if let Some((_, parent)) = parts.split_last() {
        let _ = fs.mkdir("/", &format!("/{}", parent.join("/")), true);
    }
    let _ = fs.put(&parts, data, false, mode);
}

/// The filesystem a new instance of this container starts with.
pub fn filesystem(c: &Container) -> Fs {
    let mut fs = Fs::default();
    let (dirs, tools): (&[&str], Vec<&str>) = match c.base() {
        "busybox" => (BUSYBOX_DIRS, vec!["ash", "wget"]),
        "alpine" => (ALPINE_DIRS, vec!["ash", "wget"]),
        "nginx" => (DEBIAN_DIRS, vec!["bash", "curl", "nginx"]),
        "httpd" => (DEBIAN_DIRS, vec!["bash", "curl", "httpd"]),
        _ => (DEBIAN_DIRS, vec!["bash"]),
    };
    for d in dirs {
        let _ = fs.mkdir("/", d, true);
    }
    for tool in CORE.iter().chain(&tools) {
        put(&mut fs, &format!("/bin/{tool}"), b"\x7fELF", 0o755);
    }
    let os = match c.flavor() {
        Flavor::Ash if c.base() == "alpine" => {
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.21.0\nPRETTY_NAME=\"Alpine Linux v3.21\"\n"
        }
        Flavor::Ash => "",
        Flavor::Debian => {
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
        }
    };
    if !os.is_empty() {
        put(&mut fs, "/etc/os-release", os.as_bytes(), 0o644);
    }
    put(
        &mut fs,
        "/etc/passwd",
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        0o644,
    );
    put(&mut fs, "/etc/group", b"root:x:0:\nnogroup:x:65534:\n", 0o644);
    // Files the kubelet writes into every container.
    put(&mut fs, "/etc/hostname", format!("{}\n", c.pod).as_bytes(), 0o644);
    let hosts = format!(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{}\t{}\n",
        c.pod_ip, c.pod
    );
    put(&mut fs, "/etc/hosts", hosts.as_bytes(), 0o644);
    let resolv = format!(
        "search {}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        c.namespace
    );
    put(&mut fs, "/etc/resolv.conf", resolv.as_bytes(), 0o644);
    let sa = "/var/run/secrets/kubernetes.io/serviceaccount";
    put(&mut fs, &format!("{sa}/namespace"), c.namespace.as_bytes(), 0o644);
    put(&mut fs, &format!("{sa}/ca.crt"), c.ca_pem.as_bytes(), 0o644);
    put(&mut fs, &format!("{sa}/token"), b"eyJhbGciOiJSUzI1NiJ9.simulated.token", 0o644);
    image_files(&mut fs, c);
    for m in &c.mounts {
        let _ = fs.mkdir("/", &m.path, true);
        for (name, data) in &m.files {
            put(&mut fs, &format!("{}/{name}", m.path), data, 0o644);
        }
    }
    fs
}

fn image_files(fs: &mut Fs, c: &Container) {
    match c.server() {
        Some(Server::Nginx) => {
            let index: &[u8] = if c.tag().starts_with("1.1") {
                include_bytes!("images/nginx-index-1.1x.html")
            } else {
                include_bytes!("images/nginx-index.html")
            };
            put(fs, "/usr/share/nginx/html/index.html", index, 0o644);
            put(fs, "/usr/share/nginx/html/50x.html", include_bytes!("images/nginx-50x.html"), 0o644);
            put(fs, "/etc/nginx/conf.d/default.conf", include_bytes!("images/nginx-default.conf"), 0o644);
            put(fs, "/etc/nginx/nginx.conf", include_bytes!("images/nginx.conf"), 0o644);
            put(
                fs,
                "/etc/nginx/mime.types",
                b"types {\n    text/html  html htm shtml;\n    text/css   css;\n    image/png  png;\n}\n",
                0o644,
            );
            put(fs, "/docker-entrypoint.sh", b"#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n", 0o755);
            for s in [
                "10-listen-on-ipv6-by-default.sh",
                "15-local-resolvers.envsh",
                "20-envsubst-on-templates.sh",
                "30-tune-worker-processes.sh",
            ] {
                put(fs, &format!("/docker-entrypoint.d/{s}"), b"#!/bin/sh\n", 0o755);
            }
            put(fs, "/var/log/nginx/access.log", b"", 0o644);
            put(fs, "/var/log/nginx/error.log", b"", 0o644);
        }
        Some(Server::Httpd) => {
            put(fs, "/usr/local/apache2/htdocs/index.html", include_bytes!("images/httpd-index.html"), 0o644);
            put(
                fs,
                "/usr/local/apache2/conf/httpd.conf",
                b"ServerRoot \"/usr/local/apache2\"\nListen 80\nDocumentRoot \"/usr/local/apache2/htdocs\"\n",
                0o644,
            );
        }
        None => {}
    }
}

/// The directory a server serves pages from.
pub fn document_root(server: Server) -> &'static str {
    match server {
        Server::Nginx => "/usr/share/nginx/html",
        Server::Httpd => "/usr/local/apache2/htdocs",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctr(image: &str) -> Container {
        Container {
            pod: "web".into(),
            namespace: "team".into(),
            image: image.into(),
            pod_ip: "10.244.0.7".into(),
            mounts: vec![Mount { path: "/etc/config".into(), files: vec![("mode".into(), b"fast".to_vec())] }],
            ..Default::default()
        }
    }

    #[test]
    fn images_bring_their_files() {
        let fs = filesystem(&ctr("nginx:1.27"));
        assert_eq!(fs.lookup("/", "/usr/share/nginx/html/index.html").unwrap().size(), 615);
        assert!(fs.lookup("/", "/bin/curl").is_ok());
        assert!(fs.lookup("/", "/bin/wget").is_err());
        let old = filesystem(&ctr("nginx:1.14.2"));
        assert_eq!(old.lookup("/", "/usr/share/nginx/html/index.html").unwrap().size(), 612);
        let bb = filesystem(&ctr("busybox"));
        assert!(bb.lookup("/", "/bin/wget").is_ok());
        assert!(bb.lookup("/", "/bin/curl").is_err());
        assert!(bb.lookup("/", "/boot").is_err());
        assert_eq!(bb.lookup("/", "/etc/config/mode").unwrap().size(), 4);
        assert_eq!(bb.lookup("/", "/var/run/secrets/kubernetes.io/serviceaccount/namespace").unwrap().size(), 4);
        let httpd = filesystem(&ctr("httpd:2.4"));
        assert_eq!(httpd.lookup("/", "/usr/local/apache2/htdocs/index.html").unwrap().size(), 45);
    }

    #[test]
    fn image_facts() {
        assert_eq!(ctr("docker.io/library/nginx:1.14.2").tag(), "1.14.2");
        assert_eq!(ctr("nginx").tag(), "latest");
        assert_eq!(ctr("nginx:1.14.2").server_version(), "nginx/1.14.2");
        assert_eq!(ctr("nginx").server_version(), "nginx/1.27.3");
        assert_eq!(ctr("httpd").server_version(), "Apache/2.4.62 (Unix)");
        assert_eq!(ctr("alpine:3").flavor(), Flavor::Ash);
        assert_eq!(ctr("ubuntu").flavor(), Flavor::Debian);
        assert_eq!(ctr("redis").server(), None);
        assert_eq!(document_root(Server::Httpd), "/usr/local/apache2/htdocs");
    }
}

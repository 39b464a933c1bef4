//! Why a request could not reach the server, worded as kubectl (Go's crypto/tls and
//! net) words it: an unknown certificate authority, a certificate for other names, an
//! expired certificate, a refused connection, a timeout. Found by walking the error's
//! chain of causes for the rustls or I/O error underneath, never by matching text.

use rustls::CertificateError;
use rustls::pki_types::{ServerName, UnixTime};

/// What went wrong underneath a client error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub text: String,
    pub refused: bool,
}

/// The chain of causes, looking inside I/O errors (whose `source` skips the wrapped one).
fn causes<'a>(e: &'a (dyn std::error::Error + 'static)) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(e);
    while let Some(c) = next {
        out.push(c);
        next = match c.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

/// Go's `time.RFC3339` in UTC.
fn rfc3339(t: UnixTime) -> String {
    let secs = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
    k8s_openapi::jiff::Timestamp::from_second(secs)
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A name webpki lists (`DnsName("a")`, `IpAddress(1.2.3.4)`) as Go prints it.
fn presented_name(p: &str) -> (bool, String) {
    if let Some(d) = p.strip_prefix("DnsName(\"").and_then(|r| r.strip_suffix("\")")) {
        return (false, d.to_string());
    }
    if let Some(ip) = p.strip_prefix("IpAddress(").and_then(|r| r.strip_suffix(')')) {
        return (true, ip.to_string());
    }
    (false, p.to_string())
}

/// Go's `x509.HostnameError`: the names valid for the kind of name asked for.
fn wrong_name(expected: &ServerName<'_>, presented: &[String]) -> String {
    let (host, want_ip) = match expected {
        ServerName::DnsName(d) => (d.as_ref().to_string(), false),
        ServerName::IpAddress(ip) => (std::net::IpAddr::from(*ip).to_string(), true),
        other => (format!("{other:?}"), false),
    };
    let names: Vec<(bool, String)> = presented.iter().map(|p| presented_name(p)).collect();
    let valid: Vec<String> = names.into_iter().filter(|(ip, _)| *ip == want_ip).map(|(_, n)| n).collect();
    if want_ip && valid.is_empty() {
        return format!("x509: cannot validate certificate for {host} because it doesn't contain any IP SANs");
    }
    if valid.is_empty() {
        return format!("x509: certificate is not valid for any names, but wanted to match {host}");
    }
    format!("x509: certificate is valid for {}, not {host}", valid.join(", "))
}

fn certificate(e: &CertificateError) -> String {
    let x509 = match e {
        CertificateError::UnknownIssuer => "x509: certificate signed by unknown authority".to_string(),
        CertificateError::NotValidForNameContext { expected, presented } => wrong_name(expected, presented),
        CertificateError::ExpiredContext { time, not_after } => format!(
            "x509: certificate has expired or is not yet valid: current time {} is after {}",
            rfc3339(*time),
            rfc3339(*not_after)
        ),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "x509: certificate has expired or is not yet valid: current time {} is before {}",
            rfc3339(*time),
            rfc3339(*not_before)
        ),
        CertificateError::Expired | CertificateError::NotValidYet => {
            "x509: certificate has expired or is not yet valid".to_string()
        }
        other => format!("x509: {other:?}"),
    };
    format!("tls: failed to verify certificate: {x509}")
}

/// How kubectl would say why `e` kept the request from the server at `host_port`.
pub fn cause(e: &(dyn std::error::Error + 'static), host_port: &str) -> Cause {
    for c in causes(e) {
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            let text = match tls {
                rustls::Error::InvalidCertificate(cert) => certificate(cert),
                other => format!("tls: {other}"),
            };
            return Cause { text, refused: false };
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Cause { text: io.to_string(), refused: true },
                std::io::ErrorKind::TimedOut => {
                    return Cause { text: format!("dial tcp {host_port}: i/o timeout"), refused: false };
                }
                _ => {}
            }
        }
    }
    Cause { text: e.to_string(), refused: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(std::io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    fn tls(e: CertificateError) -> Wrapped {
        Wrapped(std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::InvalidCertificate(e)))
    }

    #[test]
    fn tls_failures_in_go_words() {
        let unknown = cause(&tls(CertificateError::UnknownIssuer), "h:1");
        assert_eq!(unknown.text, "tls: failed to verify certificate: x509: certificate signed by unknown authority");
        let name = ServerName::try_from("other.example").expect("a name").to_owned();
        let presented = vec!["IpAddress(127.0.0.1)".to_string(), "DnsName(\"localhost\")".to_string()];
        let wrong = cause(&tls(CertificateError::NotValidForNameContext { expected: name, presented }), "h:1");
        assert_eq!(
            wrong.text,
            "tls: failed to verify certificate: x509: certificate is valid for localhost, not other.example"
        );
        let ip = ServerName::try_from("127.0.0.2").expect("an ip").to_owned();
        let only_dns = vec!["DnsName(\"localhost\")".to_string()];
        let no_ip = cause(&tls(CertificateError::NotValidForNameContext { expected: ip, presented: only_dns }), "h:1");
        assert_eq!(
            no_ip.text,
            "tls: failed to verify certificate: x509: cannot validate certificate for 127.0.0.2 because it doesn't contain any IP SANs"
        );
        let expired = CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_800_000_000)),
            not_after: UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_609_459_200)),
        };
        assert_eq!(
            cause(&tls(expired), "h:1").text,
            "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2027-01-15T08:00:00Z is after 2021-01-01T00:00:00Z"
        );
    }

    #[test]
    fn refused_and_timeouts() {
        let refused = cause(&Wrapped(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)), "h:1");
        assert!(refused.refused);
        let timeout = cause(&Wrapped(std::io::Error::from(std::io::ErrorKind::TimedOut)), "10.0.0.1:443");
        assert_eq!((timeout.text.as_str(), timeout.refused), ("dial tcp 10.0.0.1:443: i/o timeout", false));
        let other = cause(&Wrapped(std::io::Error::other("boom")), "h:1");
        assert_eq!(other.text, "client error (Connect)");
    }
}

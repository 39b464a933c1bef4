//! `pods/{name}/log`: container selection with the API server's 400s, `previous`,
//! `tailLines`, `sinceSeconds`/`sinceTime`, `limitBytes`, `timestamps`, and `follow`,
//! which streams until the container stops or the client goes away.

use std::sync::Arc;

use axum::body::Body;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::read::key;
use super::request::Target;
use super::request::{Req, text_reply};
use super::runtime::{CState, LogLine};
use super::shared::Shared;
use super::status::ApiError;

struct Opts {
    container: String,
    previous: bool,
    tail: Option<usize>,
    since: Option<Timestamp>,
    timestamps: bool,
    limit: Option<usize>,
    follow: bool,
}

fn choose_container(pod: &Pod, asked: Option<&str>) -> Result<String, ApiError> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let spec = pod.spec.clone().unwrap_or_default();
    let main: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let init: Vec<String> = spec.init_containers.iter().flatten().map(|c| c.name.clone()).collect();
    match asked.filter(|c| !c.is_empty()) {
        Some(c) if main.iter().chain(&init).any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(ApiError::bad_request(format!("container {c} is not valid for pod {name}"))),
        None if main.len() == 1 => Ok(main[0].clone()),
        None => {
            let mut msg =
                format!("a container name must be specified for pod {name}, choose one of: [{}]", main.join(" "));
            if !init.is_empty() {
                msg.push_str(&format!(" or one of the init containers: [{}]", init.join(" ")));
            }
            Err(ApiError::bad_request(msg))
        }
    }
}

fn render(lines: &[LogLine], o: &Opts) -> String {
    let kept: Vec<&LogLine> = lines.iter().filter(|l| o.since.is_none_or(|s| l.at >= s)).collect();
    let start = o.tail.map_or(0, |t| kept.len().saturating_sub(t));
    let mut out = String::new();
    for l in &kept[start..] {
        if o.timestamps {
            out.push_str(&format!("{} ", l.at));
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    if let Some(limit) = o.limit {
        let mut cut = limit.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// The lines to serve now, and whether the instance is still running.
fn snapshot(shared: &Shared, k: &(String, String), o: &Opts) -> Result<(Vec<LogLine>, bool), ApiError> {
    let store = shared.lock();
    let Some(rt) = store.runtime.get(k) else { return Ok((Vec::new(), false)) };
    let Some(c) = rt.find(&o.container) else { return Ok((Vec::new(), false)) };
    if o.previous {
        let prev = c.logs.len().checked_sub(2).and_then(|i| c.logs.get(i));
        return match prev {
            Some(p) => Ok((p.clone(), false)),
            None => Err(ApiError::bad_request(format!(
                "previous terminated container \"{}\" in pod \"{}\" not found",
                o.container, k.1
            ))),
        };
    }
    let waiting = match &c.state {
        CState::Idle => Some("PodInitializing"),
        CState::Creating | CState::Mounting => Some("ContainerCreating"),
        CState::PullError(_) | CState::PullBackOff => Some("image can't be pulled"),
        CState::ConfigError(_) => Some("CreateContainerConfigError"),
        _ => None,
    };
    if let (Some(why), true) = (waiting, c.logs.is_empty()) {
        return Err(ApiError::bad_request(format!(
            "container \"{}\" in pod \"{}\" is waiting to start: {why}",
            o.container, k.1
        )));
    }
    Ok((c.logs.last().cloned().unwrap_or_default(), c.is_running()))
}

pub async fn logs(shared: &Arc<Shared>, req: &Req, t: &Target) -> Response {
    match serve(shared, req, t).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn serve(shared: &Arc<Shared>, req: &Req, t: &Target) -> Result<Response, ApiError> {
    let k = key(t);
    let pod = shared.lock().pods.get(&k).ok_or_else(|| ApiError::not_found("pods", &k.1))?;
    let num = |name: &str| -> Result<Option<i64>, ApiError> {
        req.q(name)
            .map(|v| v.parse::<i64>().map_err(|_| ApiError::bad_request(format!("invalid {name}: {v}"))))
            .transpose()
    };
    let since = match (num("sinceSeconds")?, req.q("sinceTime")) {
        (Some(s), _) => Timestamp::now().checked_sub(k8s_openapi::jiff::SignedDuration::from_secs(s)).ok(),
        (None, Some(t)) => {
            Some(t.parse::<Timestamp>().map_err(|_| ApiError::bad_request(format!("invalid sinceTime: {t}")))?)
        }
        _ => None,
    };
    let o = Opts {
        container: choose_container(&pod, req.q("container"))?,
        previous: req.flag("previous"),
        tail: num("tailLines")?.map(|t| t.max(0) as usize),
        since,
        timestamps: req.flag("timestamps"),
        limit: num("limitBytes")?.map(|l| l.max(0) as usize),
        follow: req.flag("follow"),
    };
    let (lines, running) = snapshot(shared, &k, &o)?;
    if !o.follow || o.previous || !running {
        return Ok(text_reply(200, render(&lines, &o)));
    }
    let (tx, rx) = mpsc::channel::<Result<String, std::io::Error>>(64);
    let shared = shared.clone();
    tokio::spawn(async move {
        let mut changes = shared.changes();
        let mut sent = lines.len();
        if tx.send(Ok(render(&lines, &o))).await.is_err() {
            return;
        }
        let rest = Opts { tail: None, since: None, ..o };
        let cut = shared.stream_cut();
        tokio::pin!(cut);
        loop {
            tokio::select! {
                _ = tx.closed() => return,
                _ = shared.closed() => return,
                _ = &mut cut => {
                    // An error ends the body without its last chunk: the client sees the
                    // connection break, as when an API server drops it.
                    let _ = tx.send(Err(std::io::Error::other("stream cut (injected fault)"))).await;
                    return;
                }
                r = changes.changed() => if r.is_err() { return },
            }
            let Ok((now, running)) = snapshot(&shared, &k, &rest) else { return };
            if now.len() > sent {
                if tx.send(Ok(render(&now[sent..], &rest))).await.is_err() {
                    return;
                }
                sent = now.len();
            }
            if !running {
                return;
            }
        }
    });
    let mut resp = Response::new(Body::from_stream(ReceiverStream::new(rx)));
    resp.headers_mut().insert("content-type", HeaderValue::from_static("text/plain"));
    Ok(resp)
}

//! State shared by every request handler and the lifecycle engine: the store behind one
//! lock, the timing, the wake-up for the engine, a change counter that log followers wait
//! on, and the request log that tests read to prove what clients asked for.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::{Notify, watch};

use super::store::Store;
use super::timing::Timing;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub uri: String,
    pub user_agent: String,
}

pub struct Shared {
    store: Mutex<Store>,
    pub timing: Timing,
    pub token: String,
    /// `(verb, resource)` pairs refused with 403 (see `SimOptions::forbid`).
    pub forbid: Vec<(String, String)>,
    /// The cluster CA, which each namespace's `kube-root-ca.crt` ConfigMap carries.
    pub ca_pem: String,
    pub wake: Notify,
    /// The faults the simulator is injecting (none unless asked).
    pub faults: super::faults::Injector,
    /// Pods are held where they are (see `Simulator::freeze`).
    frozen: std::sync::atomic::AtomicBool,
    changed: watch::Sender<u64>,
    closing: watch::Sender<bool>,
    requests: Mutex<Vec<Logged>>,
}

const REQUEST_LOG_CAP: usize = 100_000;

impl Shared {
    pub fn new(store: Store, timing: Timing, token: String) -> Self {
        let (changed, _) = watch::channel(0);
        let (closing, _) = watch::channel(false);
        Self {
            store: Mutex::new(store),
            timing,
            token,
            forbid: Vec::new(),
            ca_pem: String::new(),
            wake: Notify::new(),
            faults: super::faults::Injector::new(Default::default(), rand::random()),
            frozen: Default::default(),
            changed,
            closing,
            requests: Mutex::new(Vec::new()),
        }
    }

    /// The store. Critical sections are short and never await; a panic elsewhere must not
    /// take the whole server down, so a poisoned lock is recovered.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends a write: releases the store, wakes the lifecycle engine (the write may have
    /// created work for it) and the followers waiting on changes.
    pub fn committed(&self, store: MutexGuard<'_, Store>) {
        drop(store);
        self.wake.notify_one();
        self.bump();
    }

    /// Signals that state changed (log lines, statuses), waking followers.
    pub fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Ends every streaming response (watches, log follows), as a stopping server does.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Holds every pod where it is (no lifecycle step runs) or lets them go on.
    pub fn freeze(&self, frozen: bool) {
        self.frozen.store(frozen, std::sync::atomic::Ordering::SeqCst);
        self.wake.notify_waiters();
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Streams may be opened again (the listener is back after a restart).
    pub fn reopen_streams(&self) {
        self.closing.send_replace(false);
    }

    /// Resolves when a stream opened now is to be cut off mid-stream (the faults'
    /// `drop_streams_after`); never when no such fault is set.
    pub fn stream_cut(&self) -> impl Future<Output = ()> + Send + 'static {
        let after = self.faults.get().drop_streams_after;
        async move {
            match after {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        }
    }

    /// Resolves when the server starts closing.
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        while !*rx.borrow_and_update() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    pub fn log_request(&self, entry: Logged) {
        let mut log = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= REQUEST_LOG_CAP {
            log.drain(..REQUEST_LOG_CAP / 2);
        }
        log.push(entry);
    }

    /// A copy of the requests seen so far.
    pub fn requests(&self) -> Vec<Logged> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

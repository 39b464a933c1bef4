//! Leaving the terminal as the shell found it, whatever ends the shell: the line editor
//! puts the terminal in raw mode, hides nothing but turns on bracketed paste, and a
//! SIGTERM or SIGHUP at the prompt, or a panic on the main thread, would otherwise leave
//! the user's terminal raw (no echo, no line editing) until `reset`. The terminal's
//! settings are saved when the interactive shell starts and put back on the way out.

#[cfg(unix)]
static SAVED: std::sync::OnceLock<libc::termios> = std::sync::OnceLock::new();

/// Bracketed paste off, cursor shown: what a line editor may have left on.
#[cfg(unix)]
const RESET_MODES: &[u8] = b"\x1b[?2004l\x1b[?25h";

/// Saves the terminal's settings and installs the panic hook and signal handlers that
/// put them back. Call once, before the line editor starts, with the runtime that
/// listens for signals.
pub fn guard(rt: &tokio::runtime::Handle) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = std::io::stdin().as_raw_fd();
        // SAFETY: tcgetattr writes a termios for a valid descriptor into memory we own;
        // a zeroed termios is a valid value to start from.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } == 0 {
            let _ = SAVED.set(t);
        }
    }
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Another thread's panic ends only that thread: the shell, and its raw prompt,
        // go on. The main thread's ends the shell.
        if std::thread::current().name() == Some("main") {
            restore();
        }
        before(info);
    }));
    on_signals(rt);
}

/// Puts the saved settings back (nothing if none were saved).
pub fn restore() {
    #[cfg(unix)]
    if let Some(t) = SAVED.get() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        // SAFETY: the termios was filled by tcgetattr for this same descriptor.
        unsafe { libc::tcsetattr(std::io::stdin().as_raw_fd(), libc::TCSANOW, t) };
        let mut out = std::io::stdout();
        let _ = out.write_all(RESET_MODES).and_then(|_| out.flush());
    }
}

/// SIGTERM and SIGHUP end the shell as they would have (exit 128 + signal), with the
/// terminal put back first. Lines already entered are in the history file by then.
fn on_signals(rt: &tokio::runtime::Handle) {
    // Windows has neither signal; its console mode is the line editor's to put back.
    #[cfg(not(unix))]
    let _ = rt;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        for (kind, code) in [(SignalKind::terminate(), 143), (SignalKind::hangup(), 129)] {
            let registered = rt.block_on(async { signal(kind) });
            if let Ok(mut s) = registered {
                rt.spawn(async move {
                    if s.recv().await.is_some() {
                        restore();
                        std::process::exit(code);
                    }
                });
            }
        }
    }
}

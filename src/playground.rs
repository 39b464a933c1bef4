//! The built-in playground: a simulator in this process with two nodes, and a kubeconfig
//! file for it (so passed-through kubectl lines reach it too), removed when the shell
//! ends.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::sim::{SimOptions, Simulator};

/// The context name the playground's kubeconfig uses.
pub const CONTEXT: &str = "playground";

pub struct Playground {
    _sim: Simulator,
    kubeconfig_file: PathBuf,
}

impl Playground {
    /// Starts the simulator on a loopback port and writes its kubeconfig into `dir`
    /// (the system's temporary directory without one).
    pub fn start(rt: &tokio::runtime::Runtime, dir: Option<&Path>) -> Result<Self> {
        let sim = rt
            .block_on(Simulator::start("127.0.0.1:0", SimOptions { nodes: 2, ..SimOptions::default() }))
            .map_err(|e| Error::msg(format!("cannot start the playground: {e}")))?;
        let dir = dir.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
        let _ = crate::common::files::private_dir(&dir);
        let path = dir.join(format!("playground-{}.kubeconfig", std::process::id()));
        sim.write_kubeconfig(&path, CONTEXT)
            .map_err(|e| Error::msg(format!("cannot write {}: {e}", path.display())))?;
        Ok(Self { _sim: sim, kubeconfig_file: path })
    }

    pub fn kubeconfig_file(&self) -> &Path {
        &self.kubeconfig_file
    }
}

impl Drop for Playground {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.kubeconfig_file);
    }
}

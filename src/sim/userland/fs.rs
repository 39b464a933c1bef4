//! A container's filesystem: an in-memory tree of directories and files, seeded from the
//! image (`seed.rs`) when the container instance first needs it, changed by commands run
//! through `exec`, and thrown away when the container restarts (as a real writable layer is).

use std::collections::BTreeMap;

use k8s_openapi::jiff::Timestamp;

#[derive(Debug, Clone)]
pub enum Body {
    Dir(BTreeMap<String, Node>),
    File(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub body: Body,
    pub mode: u32,
    pub mtime: Timestamp,
}

impl Node {
    pub fn dir() -> Self {
        Node { body: Body::Dir(BTreeMap::new()), mode: 0o755, mtime: Timestamp::now() }
    }

    pub fn file(data: Vec<u8>, mode: u32) -> Self {
        Node { body: Body::File(data), mode, mtime: Timestamp::now() }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.body, Body::Dir(_))
    }

    pub fn size(&self) -> usize {
        match &self.body {
            Body::Dir(_) => 4096,
            Body::File(d) => d.len(),
        }
    }

    pub fn children(&self) -> Option<&BTreeMap<String, Node>> {
        match &self.body {
            Body::Dir(c) => Some(c),
            Body::File(_) => None,
        }
    }
}

/// Why a filesystem operation failed, in the words `strerror` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotDir,
    IsDir,
    Exists,
    NotEmpty,
}

impl FsError {
    pub fn text(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotDir => "Not a directory",
            FsError::IsDir => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fs {
    root: Node,
}

impl Default for Fs {
    fn default() -> Self {
        Fs { root: Node::dir() }
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved: the components.
pub fn components(cwd: &str, path: &str) -> Vec<String> {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    let mut out: Vec<String> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p.to_string()),
        }
    }
    out
}

/// The absolute path of `path` seen from `cwd`.
pub fn absolute(cwd: &str, path: &str) -> String {
    format!("/{}", components(cwd, path).join("/"))
}

impl Fs {
    pub fn get(&self, parts: &[String]) -> Result<&Node, FsError> {
        let mut node = &self.root;
        for p in parts {
            let Body::Dir(children) = &node.body else { return Err(FsError::NotDir) };
            node = children.get(p).ok_or(FsError::NotFound)?;
        }
        Ok(node)
    }

    pub fn lookup(&self, cwd: &str, path: &str) -> Result<&Node, FsError> {
        self.get(&components(cwd, path))
    }

    fn dir_mut(&mut self, parts: &[String]) -> Result<&mut BTreeMap<String, Node>, FsError> {
        let mut node = &mut self.root;
        for p in parts {
            let Body::Dir(children) = &mut node.body else { return Err(FsError::NotDir) };
            node = children.get_mut(p).ok_or(FsError::NotFound)?;
        }
        match &mut node.body {
            Body::Dir(c) => Ok(c),
            Body::File(_) => Err(FsError::NotDir),
        }
    }

    /// Creates a directory; with `parents`, the missing ones above it too and no error if it exists.
    pub fn mkdir(&mut self, cwd: &str, path: &str, parents: bool) -> Result<(), FsError> {
        let parts = components(cwd, path);
        if parents {
            let mut node = &mut self.root;
            for p in &parts {
                let Body::Dir(children) = &mut node.body else { return Err(FsError::NotDir) };
                node = children.entry(p.clone()).or_insert_with(Node::dir);
            }
            return if node.is_dir() { Ok(()) } else { Err(FsError::Exists) };
        }
        let Some((name, parent)) = parts.split_last() else { return Err(FsError::Exists) };
        let dir = self.dir_mut(parent)?;
        if dir.contains_key(name) {
            return Err(FsError::Exists);
        }
        dir.insert(name.clone(), Node::dir());
        Ok(())
    }

    /// Writes a file (creating it, or replacing or extending its contents).
    pub fn write(&mut self, cwd: &str, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        self.put(&components(cwd, path), data, append, 0o644)
    }

    pub fn put(&mut self, parts: &[String], data: &[u8], append: bool, mode: u32) -> Result<(), FsError> {
        let Some((name, parent)) = parts.split_last() else { return Err(FsError::IsDir) };
        let dir = self.dir_mut(parent)?;
        match dir.get_mut(name) {
            Some(Node { body: Body::Dir(_), .. }) => Err(FsError::IsDir),
            Some(node) => {
                if let Body::File(d) = &mut node.body {
                    if !append {
                        d.clear();
                    }
                    d.extend_from_slice(data);
                }
                node.mtime = Timestamp::now();
                Ok(())
            }
            None => {
                dir.insert(name.clone(), Node::file(data.to_vec(), mode));
                Ok(())
            }
        }
    }

    /// Updates a file's time, creating it empty when missing (`touch`).
    pub fn touch(&mut self, cwd: &str, path: &str) -> Result<(), FsError> {
        let parts = components(cwd, path);
        let Some((name, parent)) = parts.split_last() else { return Ok(()) };
        let dir = self.dir_mut(parent)?;
        match dir.get_mut(name) {
            Some(n) => n.mtime = Timestamp::now(),
            None => {
                dir.insert(name.clone(), Node::file(Vec::new(), 0o644));
            }
        }
        Ok(())
    }

    /// Removes a file, or a directory when `recursive` (or when it is empty and `dir_ok`).
    pub fn remove(&mut self, cwd: &str, path: &str, recursive: bool, dir_ok: bool) -> Result<(), FsError> {
        let parts = components(cwd, path);
        let Some((name, parent)) = parts.split_last() else { return Err(FsError::IsDir) };
        let dir = self.dir_mut(parent)?;
        match dir.get(name) {
            None => Err(FsError::NotFound),
            Some(n) if n.is_dir() && !recursive => {
                let empty = n.children().is_some_and(BTreeMap::is_empty);
                match (dir_ok, empty) {
                    (true, true) => {
                        dir.remove(name);
                        Ok(())
                    }
                    (true, false) => Err(FsError::NotEmpty),
                    (false, _) => Err(FsError::IsDir),
                }
            }
            Some(_) => {
                dir.remove(name);
                Ok(())
            }
        }
    }

    /// Places a whole node (a copied tree) at `parts`, replacing what was there.
    pub fn insert(&mut self, parts: &[String], node: Node) -> Result<(), FsError> {
        let Some((name, parent)) = parts.split_last() else { return Err(FsError::IsDir) };
        self.dir_mut(parent)?.insert(name.clone(), node);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_working_directory() {
        assert_eq!(absolute("/", "tmp"), "/tmp");
        assert_eq!(absolute("/usr/share", "../lib/./x"), "/usr/lib/x");
        assert_eq!(absolute("/tmp", "/etc/"), "/etc");
        assert_eq!(absolute("/", "../.."), "/");
    }

    #[test]
    fn files_and_directories() {
        let mut fs = Fs::default();
        assert_eq!(fs.mkdir("/", "a/b", false), Err(FsError::NotFound));
        fs.mkdir("/", "a/b", true).unwrap();
        fs.mkdir("/", "a/b", true).unwrap();
        assert_eq!(fs.mkdir("/", "a", false), Err(FsError::Exists));
        fs.write("/a", "b/f.txt", b"one\n", false).unwrap();
        fs.write("/a/b", "f.txt", b"two\n", true).unwrap();
        let Body::File(d) = &fs.lookup("/", "/a/b/f.txt").unwrap().body else { panic!("not a file") };
        assert_eq!(d, b"one\ntwo\n");
        fs.write("/", "/a/b/f.txt", b"x", false).unwrap();
        assert_eq!(fs.lookup("/", "a/b/f.txt").unwrap().size(), 1);
        assert_eq!(fs.write("/", "/a/b", b"x", false), Err(FsError::IsDir));
        assert_eq!(fs.write("/", "/a/b/f.txt/y", b"x", false), Err(FsError::NotDir));
        assert_eq!(fs.lookup("/", "/a/b/f.txt/y").err(), Some(FsError::NotDir));
        assert_eq!(fs.remove("/", "a", false, false), Err(FsError::IsDir));
        assert_eq!(fs.remove("/", "a", false, true), Err(FsError::NotEmpty));
        fs.touch("/", "/a/new").unwrap();
        assert_eq!(fs.lookup("/", "/a/new").unwrap().size(), 0);
        fs.remove("/", "a", true, false).unwrap();
        assert_eq!(fs.lookup("/", "a").err(), Some(FsError::NotFound));
        assert_eq!(fs.remove("/", "a", true, false), Err(FsError::NotFound));
        fs.mkdir("/", "e", false).unwrap();
        fs.remove("/", "e", false, true).unwrap();
    }
}

//! The platform's command interpreter, for what the user hands to the host (`!cmd`,
//! `| cmd`, the editor): `sh -c` on Unix, `%COMSPEC% /C` (cmd.exe) on Windows, whose line
//! goes through verbatim, since cmd.exe does not parse the quoting other programs get.

/// The interpreter's name, for messages (`sh is not on PATH`).
#[cfg(not(windows))]
pub const NAME: &str = "sh";
#[cfg(windows)]
pub const NAME: &str = "cmd.exe";

/// The interpreter set to run `line`.
pub fn command(line: &str) -> std::process::Command {
    #[cfg(not(windows))]
    {
        let mut cmd = std::process::Command::new(NAME);
        cmd.arg("-c").arg(line);
        cmd
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        let mut cmd = std::process::Command::new(comspec());
        cmd.arg("/C").raw_arg(line);
        cmd
    }
}

/// The same, to wait on from async code.
pub fn async_command(line: &str) -> tokio::process::Command {
    tokio::process::Command::from(command(line))
}

/// The line that runs `editor` (which may carry its own arguments, `code --wait`) on
/// `path`: Unix passes the path as `$1`, so no quoting of it is needed.
pub fn editor_command(editor: &str, path: &std::path::Path) -> tokio::process::Command {
    #[cfg(not(windows))]
    {
        let mut cmd = async_command(&format!("{editor} \"$1\""));
        cmd.arg(NAME).arg(path);
        cmd
    }
    #[cfg(windows)]
    {
        async_command(&format!("{editor} \"{}\"", path.display()))
    }
}

#[cfg(windows)]
fn comspec() -> String {
    std::env::var("COMSPEC").ok().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| NAME.to_string())
}

#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;

    #[test]
    fn unix_lines_run_under_sh_and_the_editor_gets_its_path_as_an_argument() {
        let out = command("printf '%s|' a 'b c'").output().expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "a|b c|");
        let cmd = editor_command("printf %s", std::path::Path::new("/tmp/with space.yaml"));
        let args: Vec<_> = cmd.as_std().get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["-c", "printf %s \"$1\"", "sh", "/tmp/with space.yaml"]);
    }
}

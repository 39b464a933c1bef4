//! What a container's exit code usually means: the shell conventions for 1, 2, 126 and
//! 127, and 128+N for a process killed by signal N.

/// The usual meaning of exit code `code`.
pub fn meaning(code: i32) -> String {
    let text = match code {
        0 => "success",
        1 => "a general error: the program itself failed",
        2 => "a usage error: wrong arguments or shell syntax",
        126 => "the command was found but cannot be executed (permissions, or not a program)",
        127 => "command not found: check the image's PATH and the pod's command/args",
        128 => "an invalid exit argument",
        130 => "interrupted (SIGINT)",
        134 => "aborted (SIGABRT), often a failed assertion",
        137 => "killed (SIGKILL): by the kernel's OOM killer, or forcibly stopped",
        139 => "a segmentation fault (SIGSEGV): the program crashed",
        143 => "terminated (SIGTERM): asked to stop",
        c @ 129..=159 => return format!("killed by signal {}", c - 128),
        _ => "an application-specific error",
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes() {
        assert_eq!(meaning(0), "success");
        assert!(meaning(1).starts_with("a general error"));
        assert!(meaning(2).starts_with("a usage error"));
        assert!(meaning(126).contains("cannot be executed"));
        assert!(meaning(127).starts_with("command not found"));
        assert!(meaning(137).contains("OOM"));
        assert!(meaning(139).contains("SIGSEGV"));
        assert!(meaning(143).contains("SIGTERM"));
        assert!(meaning(130).contains("SIGINT"));
        assert!(meaning(134).contains("SIGABRT"));
        assert_eq!(meaning(129), "killed by signal 1");
        assert_eq!(meaning(159), "killed by signal 31");
        assert_eq!(meaning(160), "an application-specific error");
        assert_eq!(meaning(3), "an application-specific error");
        assert_eq!(meaning(128), "an invalid exit argument");
    }
}

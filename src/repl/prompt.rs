//! The prompt: context and namespace from the session (no network), and a mark when the
//! last command failed. Colour only on a terminal without `NO_COLOR`.

use nu_ansi_term::{Color, Style};

/// The prompt text without colour (rustyline measures its width from this).
pub fn plain(context: &str, namespace: &str, failed: bool) -> String {
    let mark = if failed { " ✗" } else { "" };
    format!("{context}:{namespace}{mark} ❯ ")
}

/// The same prompt, coloured.
pub fn styled(context: &str, namespace: &str, failed: bool) -> String {
    let mark = if failed { format!(" {}", Color::Red.bold().paint("✗")) } else { String::new() };
    format!(
        "{}{}{}{mark} {} ",
        Color::Cyan.paint(context),
        Style::new().dimmed().paint(":"),
        Color::Green.paint(namespace),
        Style::new().bold().paint("❯")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_failure() {
        assert_eq!(plain("sim", "default", false), "sim:default ❯ ");
        assert_eq!(plain("sim", "dev", true), "sim:dev ✗ ❯ ");
        assert!(styled("sim", "dev", true).contains("\u{1b}["));
    }
}

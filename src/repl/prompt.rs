//! The prompt: context and namespace from the session (no network), and a mark when the
//! last command failed. Colour only on a terminal without `NO_COLOR`.

use nu_ansi_term::{Color, Style};

/// The prompt text without colour (rustyline measures its width from this).
pub fn plain(context: &str, namespace: &str, failed: bool) -> String {
    let mark = if failed { " ✗" } else { "" };
    format!("{context}:{namespace}{mark} ❯ ")
}

/// The same prompt, coloured; a protected context (writes need confirming) is red.
pub fn styled(context: &str, namespace: &str, failed: bool, protected: bool) -> String {
    let context = if protected { Color::Red.bold().paint(context) } else { Color::Cyan.paint(context) };
    let mark = if failed { format!(" {}", Color::Red.bold().paint("✗")) } else { String::new() };
    format!(
        "{}{}{}{mark} {} ",
        context,
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
        assert!(styled("sim", "dev", true, false).contains("\u{1b}["));
        assert!(styled("prod", "dev", false, true).starts_with("\u{1b}[1;31mprod"), "protected is red");
        assert!(styled("sim", "dev", false, false).starts_with("\u{1b}[36msim"));
    }
}

//! Secrets kept out of the history file (pure): the values of kubectl's credential flags
//! (`--token`, `--password`, `--docker-password`), the value half of
//! `--from-literal=KEY=VALUE`, and what follows `Bearer ` anywhere on the line (a `curl
//! -H` to the API server, say). The line keeps its shape, so recalling it shows what was
//! typed and where the secret went; the value becomes `REDACTED`.

/// What a redacted value reads as.
pub const REDACTED: &str = "REDACTED";

/// Flags whose whole value is a secret.
const SECRET_FLAGS: &[&str] = &["--token", "--password", "--docker-password"];

/// `line` with every secret value replaced.
pub fn redact(line: &str) -> String {
    let bearer = redact_bearer(line);
    let mut out = String::with_capacity(bearer.len());
    let mut rest = bearer.as_str();
    // The value of `--flag VALUE` (the word after) is secret too.
    let mut next_is_secret = false;
    while !rest.is_empty() {
        let space = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..space]);
        rest = &rest[space..];
        let end = word_end(rest);
        let word = &rest[..end];
        rest = &rest[end..];
        if next_is_secret && !word.is_empty() {
            out.push_str(REDACTED);
            next_is_secret = false;
            continue;
        }
        out.push_str(&redact_word(word, &mut next_is_secret));
    }
    out
}

/// Where the word at the start of `s` ends: at unquoted white space.
fn word_end(s: &str) -> usize {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (_, '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, c) if c.is_whitespace() => return i,
            _ => {}
        }
    }
    s.len()
}

fn redact_word(word: &str, next_is_secret: &mut bool) -> String {
    for flag in SECRET_FLAGS {
        if word == *flag {
            *next_is_secret = true;
            return word.to_string();
        }
        if let Some(value) = word.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            return if value.is_empty() { word.to_string() } else { format!("{flag}={REDACTED}") };
        }
    }
    if let Some(literal) = word.strip_prefix("--from-literal=") {
        let quoted = literal.starts_with(['"', '\'']);
        let inner = literal.trim_matches(['"', '\'']);
        if let Some((key, _)) = inner.split_once('=') {
            let q = if quoted { &literal[..1] } else { "" };
            return format!("--from-literal={q}{key}={REDACTED}{q}");
        }
    }
    word.to_string()
}

/// Replaces the token after each `Bearer ` (any case), up to white space or a quote.
fn redact_bearer(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find("bearer ") {
        let start = at + found + "bearer ".len();
        let token_len =
            line[start..].find(|c: char| c.is_whitespace() || c == '"' || c == '\'').unwrap_or(line.len() - start);
        out.push_str(&line[at..start]);
        if token_len > 0 {
            out.push_str(REDACTED);
        }
        at = start + token_len;
    }
    out.push_str(&line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_flags_lose_their_values_in_both_forms() {
        assert_eq!(redact("get pods --token=abc.def"), "get pods --token=REDACTED");
        assert_eq!(redact("get pods --token abc.def -o yaml"), "get pods --token REDACTED -o yaml");
        assert_eq!(redact("get pods --password='s3 cret' -A"), "get pods --password=REDACTED -A");
        assert_eq!(redact("get pods --password \"s3 cret\" -A"), "get pods --password REDACTED -A");
        assert_eq!(
            redact("create secret docker-registry r --docker-password=hunter2 --docker-username=me"),
            "create secret docker-registry r --docker-password=REDACTED --docker-username=me"
        );
        assert_eq!(redact("get pods --token="), "get pods --token=", "nothing to hide");
        assert_eq!(redact("get pods --token"), "get pods --token");
        assert_eq!(redact("get pods --tokens=x --passwords y"), "get pods --tokens=x --passwords y");
    }

    #[test]
    fn literal_values_are_hidden_and_their_keys_kept() {
        assert_eq!(
            redact("create secret generic db --from-literal=user=admin --from-literal=pass=p=w"),
            "create secret generic db --from-literal=user=REDACTED --from-literal=pass=REDACTED"
        );
        assert_eq!(
            redact("create secret generic db --from-literal='k=a b'"),
            "create secret generic db --from-literal='k=REDACTED'"
        );
        assert_eq!(redact("x --from-literal=novalue"), "x --from-literal=novalue");
    }

    #[test]
    fn bearer_tokens_are_hidden_anywhere() {
        assert_eq!(
            redact("!curl -H 'Authorization: Bearer eyJhbGci.x.y' https://h"),
            "!curl -H 'Authorization: Bearer REDACTED' https://h"
        );
        assert_eq!(redact("!curl -H \"authorization: bearer t0k\" u"), "!curl -H \"authorization: bearer REDACTED\" u");
        assert_eq!(redact("echo Bearer a and BEARER b"), "echo Bearer REDACTED and BEARER REDACTED");
        assert_eq!(redact("echo bearer "), "echo bearer ");
    }

    #[test]
    fn everything_else_is_left_as_typed() {
        for line in
            ["get pods -o yaml", "logs web -c app  --tail=5", "", "   ", "run x --image=nginx -- sh -c 'echo a  b'"]
        {
            assert_eq!(redact(line), line);
        }
    }
}

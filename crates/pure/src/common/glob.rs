//! Shell-style globs over names (`*` any run, `?` one character), for protected
//! context patterns and the simulated registry's tag lists.

/// Whether `name` matches a glob of `*` (any run) and `?` (one character).
pub fn glob(pattern: &str, name: &str) -> bool {
    // ASCII (image tags, most context names) is matched byte by byte without copying;
    // anything else as characters, so `?` takes one character, not one byte.
    if pattern.is_ascii() && name.is_ascii() {
        return matches(pattern.as_bytes(), name.as_bytes(), b'*', b'?');
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    matches(&p, &n, '*', '?')
}

fn matches<T: Copy + PartialEq>(p: &[T], n: &[T], any_run: T, any_one: T) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == any_one || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == any_run {
            pi += 1;
            star = Some((pi, ni));
        } else if let Some((after, from)) = star {
            // Let the last `*` take one more character, and match again after it.
            pi = after;
            ni = from + 1;
            star = Some((after, ni));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == any_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (p, n) in [
            ("prod*", "prod-eu"),
            ("*-live", "shop-live"),
            ("*", ""),
            ("a?c", "abc"),
            ("*a*b", "xaxxb"),
            ("prod", "prod"),
        ] {
            assert!(glob(p, n), "{p} {n}");
        }
        for (p, n) in
            [("prod*", "preprod"), ("*-live", "live"), ("a?c", "ac"), ("prod", "prod2"), ("", "x"), ("*a*b", "xab-")]
        {
            assert!(!glob(p, n), "{p} {n}");
        }
    }

    #[test]
    fn wildcards() {
        assert!(glob("*.html", "index.html"));
        assert!(glob("?0x*", "50x.html"));
        assert!(!glob("*.html", "index.htm"));
        assert!(glob("*", ""));
        assert!(!glob("a", ""));
        assert!(glob("a*b*c", "aXbYbZc"));
    }

    #[test]
    fn a_question_mark_is_one_character_not_one_byte() {
        assert!(glob("pr?d", "präd"));
        assert!(!glob("pr??d", "präd"));
        assert!(glob("*ä", "aä"));
        assert!(glob("ä*", "äx"));
        assert!(!glob("ä?", "ä"));
    }
}

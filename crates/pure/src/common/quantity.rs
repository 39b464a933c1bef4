//! Kubernetes resource quantities (apimachinery `resource.Quantity`): parsing
//! `500m`, `1.5Gi`, `2e3`, and the canonical form the API server stores and kubectl
//! prints (`0.5` -> `500m`, `1536Mi` stays, `1.5Gi` -> `1536Mi`, `1000m` -> `1`), plus the
//! integer views the downward API uses. Pure.

/// How a quantity was written, which its canonical form keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, ... (powers of 1024).
    BinarySi,
    /// `n`, `u`, `m`, ``, `k`, `M`, ... (powers of 1000).
    DecimalSi,
    /// `1e3`, `2E-3`.
    DecimalExponent,
}

/// A quantity as an exact decimal: `mantissa * 10^scale`, kept to nano precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    scale: i32,
    pub format: Format,
}

const BINARY: &[(&str, u32)] = &[("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6)];
const DECIMAL: &[(&str, i32)] =
    &[("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

/// Divides out factors of ten, returning the reduced mantissa and how many were removed.
fn reduce(mut m: i128) -> (i128, i32) {
    let mut n = 0;
    while m != 0 && m % 10 == 0 {
        m /= 10;
        n += 1;
    }
    (m, n)
}

/// A quantity's text cut as apimachinery's `parseQuantityString` cuts it: the sign, the
/// digits before the point with leading zeros dropped (`"0"` when none are left), those
/// after it, and the suffix (`Ki`, `m`, `e3`, ...), which must be letters of a suffix,
/// then an optional sign and digits.
struct Parts<'a> {
    negative: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn cut(s: &str) -> Option<Parts<'_>> {
    let b = s.as_bytes();
    let negative = b.first() == Some(&b'-');
    let mut pos = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    while b.get(pos) == Some(&b'0') {
        pos += 1;
    }
    if pos == b.len() {
        return Some(Parts { negative, num: "0", denom: "", suffix: "" });
    }
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let after_num = digits(pos);
    let num = if after_num == pos { "0" } else { &s[pos..after_num] };
    let (denom, rest) = if b.get(after_num) == Some(&b'.') {
        let end = digits(after_num + 1);
        (&s[after_num + 1..end], end)
    } else {
        ("", after_num)
    };
    let suffix = &s[rest..];
    let sb = suffix.as_bytes();
    let mut i = sb.iter().take_while(|c| b"eEinumkKMGTP".contains(c)).count();
    if matches!(sb.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    i += sb[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    (i == sb.len()).then_some(Parts { negative, num, denom, suffix })
}

/// A suffix's base-10 exponent or power of 1024, and the format it implies.
fn suffix_of(suffix: &str) -> Option<(i32, Format)> {
    if let Some((_, power)) = BINARY.iter().find(|(s, _)| *s == suffix) {
        return Some((*power as i32, Format::BinarySi));
    }
    if let Some((_, exp)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
        return Some((*exp, Format::DecimalSi));
    }
    let exp = suffix.strip_prefix(['e', 'E']).filter(|e| !e.is_empty())?;
    Some((exp.parse::<i32>().ok()?, Format::DecimalExponent))
}

/// Whether `ParseQuantity` keeps the text as it was given, which the API server then
/// writes back unchanged: its fast path, when the value already reads canonically (a
/// whole multiple of 1024 not divisible by 8, or decimal digits at a scale of a power of
/// 1000 that do not end in 000 or start with 0).
fn kept_as_given(p: &Parts<'_>, exp: i32, format: Format) -> bool {
    let digits = p.num.len() + p.denom.len();
    let (precision, mut scale, multiplier) = match format {
        Format::BinarySi if p.denom.is_empty() => {
            let bits = exp * 10;
            (15 - p.num.len() as i32 - (bits as f32 * 3.0 / 10.0) as i32 - 1, 0, 1i64 << bits)
        }
        Format::BinarySi => return false,
        _ => (18 - digits as i32, exp, 1),
    };
    if precision < 0 {
        return false;
    }
    scale -= p.denom.len() as i32;
    let shifted = format!("{}{}", p.num, p.denom);
    let Ok(value) = shifted.parse::<i64>() else { return false };
    if scale < -9 || value.checked_mul(multiplier).is_none() {
        return false;
    }
    match format {
        Format::BinarySi => value & 0x07 != 0,
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    }
}

/// A quantity's parts and what its suffix means; `None` when the text is not a quantity.
fn read(text: &str) -> Option<(Parts<'_>, i32, Format)> {
    if text.is_empty() {
        return None;
    }
    let p = cut(text)?;
    let (exp, format) = suffix_of(p.suffix)?;
    Some((p, exp, format))
}

impl Quantity {
    /// Parses a quantity as the API server does; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Quantity> {
        let (p, exp, format) = read(text)?;
        Self::from_parts(&p, exp, format)
    }

    fn from_parts(p: &Parts<'_>, exp: i32, format: Format) -> Option<Quantity> {
        let digits = format!("{}{}", p.num, p.denom);
        let mut mantissa: i128 = digits.parse().ok()?;
        let mut scale = -(p.denom.len() as i32);
        match format {
            Format::BinarySi => mantissa = mantissa.checked_mul(1024i128.checked_pow(exp as u32)?)?,
            _ => scale = scale.checked_add(exp)?,
        }
        if p.negative {
            mantissa = -mantissa;
        }
        // Nano precision, rounding up (away from zero), as ParseQuantity does.
        while scale < -9 {
            let (q, r) = (mantissa / 10, mantissa % 10);
            mantissa = if r != 0 { q + mantissa.signum() } else { q };
            scale += 1;
        }
        Some(Quantity { mantissa, scale, format })
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// The value scaled to `10^scale` units, rounded up (Go's `ScaledValue`).
    fn scaled_ceil(&self, scale: i32) -> i128 {
        let mut m = self.mantissa;
        let mut s = self.scale;
        while s > scale {
            m *= 10;
            s -= 1;
        }
        while s < scale {
            let (q, r) = (m / 10, m % 10);
            m = if r > 0 { q + 1 } else { q };
            s += 1;
        }
        m
    }

    /// The value in whole units, rounded up (`Value()`).
    pub fn value(&self) -> i128 {
        self.scaled_ceil(0)
    }

    /// The value in billionths, exact (quantities keep nano precision).
    pub fn nanos(&self) -> i128 {
        self.scaled_ceil(-9)
    }

    /// The value in thousandths, rounded up (`MilliValue()`).
    pub fn milli_value(&self) -> i128 {
        self.scaled_ceil(-3)
    }

    /// The canonical text (`Quantity.String()`).
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySi {
            // Below 1024, or not a whole number: decimal, so nothing is rounded.
            let (m, s) = (self.mantissa.abs(), self.scale);
            let small = if s >= 0 {
                m.saturating_mul(10i128.saturating_pow(s as u32)) < 1024
            } else {
                m < 1024 * 10i128.pow(s.unsigned_abs())
            };
            let whole = s >= 0 || self.mantissa % 10i128.pow(s.unsigned_abs()) == 0;
            if small || !whole {
                format = Format::DecimalSi;
            }
        }
        match format {
            Format::BinarySi => {
                let mut n = self.value();
                let mut power = 0;
                while n % 1024 == 0 && power < 6 {
                    n /= 1024;
                    power += 1;
                }
                let suffix = BINARY.iter().find(|(_, p)| *p == power).map_or("", |(s, _)| *s);
                format!("{n}{suffix}")
            }
            _ => {
                let (mut m, removed) = reduce(self.mantissa);
                let mut exp = self.scale + removed;
                match exp.rem_euclid(3) {
                    1 => {
                        m *= 10;
                        exp -= 1;
                    }
                    2 => {
                        m *= 100;
                        exp -= 2;
                    }
                    _ => {}
                }
                if format == Format::DecimalExponent {
                    return if exp == 0 { m.to_string() } else { format!("{m}e{exp}") };
                }
                match DECIMAL.iter().find(|(_, e)| *e == exp) {
                    Some((s, _)) => format!("{m}{s}"),
                    None => format!("{m}e{exp}"),
                }
            }
        }
    }
}

/// The text the API server writes back for `text`: as given where `ParseQuantity` keeps
/// it, else the canonical form; `text` itself when it is not a quantity.
pub fn canonical(text: &str) -> String {
    let Some((p, exp, format)) = read(text) else { return text.to_string() };
    match Quantity::from_parts(&p, exp, format) {
        Some(_) if text == "0" || kept_as_given(&p, exp, format) => text.to_string(),
        Some(q) => q.canonical(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_as_the_api_server_stores_them() {
        for (given, canonical_form) in [
            ("0.5", "500m"),
            ("500m", "500m"),
            ("1000m", "1"),
            ("1", "1"),
            ("2000", "2k"),
            ("1.5", "1500m"),
            ("1.5Gi", "1536Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("128Mi", "128Mi"),
            ("100Ki", "100Ki"),
            ("1000Ki", "1000Ki"),
            ("0.5Ki", "512"),
            ("512", "512"),
            ("1e3", "1e3"),
            ("1E6", "1E6"),
            ("1500e-3", "1500e-3"),
            ("0", "0"),
            ("0Mi", "0"),
            ("250M", "250M"),
            ("0.1m", "100u"),
            ("1n", "1n"),
            ("0.0000000001", "1n"),
            ("-2Gi", "-2Gi"),
            ("8142048Ki", "8142048Ki"),
        ] {
            assert_eq!(canonical(given), canonical_form, "{given}");
        }
        assert_eq!(canonical("bogus"), "bogus");
        assert!(Quantity::parse("").is_none());
        assert!(Quantity::parse("1.2.3").is_none());
        assert!(Quantity::parse("5x").is_none());
    }

    #[test]
    fn integer_views_round_up() {
        let q = |s: &str| Quantity::parse(s).expect("a quantity");
        assert_eq!(q("500m").milli_value(), 500);
        assert_eq!(q("500m").value(), 1);
        assert_eq!(q("1.5").value(), 2);
        assert_eq!(q("128Mi").value(), 134_217_728);
        assert_eq!(q("1u").milli_value(), 1);
        assert_eq!(q("2").milli_value(), 2000);
        assert_eq!((q("1000m").value(), q("1500m").value(), q("-1500m").value()), (1, 2, -1), "exact stays exact");
        assert_eq!((q("1n").nanos(), q("1.5").nanos(), q("1Ki").nanos()), (1, 1_500_000_000, 1_024_000_000_000));
        assert!(q("0").is_zero() && !q("1m").is_zero());
    }

    #[test]
    fn written_back_as_kubectl_writes_it() {
        let mut n = 0;
        for line in include_str!("testdata/quantity_cases.txt").lines().filter(|l| !l.starts_with('#')) {
            let (given, want) = line.split_once(" => ").expect("INPUT => CANONICAL");
            if want == "invalid" {
                assert!(Quantity::parse(given).is_none(), "{given} should not parse");
            } else {
                assert_eq!(canonical(given), want, "{given}");
            }
            n += 1;
        }
        assert!(n > 100, "{n} cases");
    }
}

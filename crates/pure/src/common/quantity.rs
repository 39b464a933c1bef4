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

impl Quantity {
    /// Parses a quantity as the API server does; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Quantity> {
        let s = text.trim();
        let (neg, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (num, suffix) = rest.split_at(num_len);
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
            return None;
        }
        let digits = format!("{int}{frac}");
        let mut mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        let mut scale = -(frac.len() as i32);
        let format = if let Some((_, power)) = BINARY.iter().find(|(s, _)| *s == suffix) {
            mantissa = mantissa.checked_mul(1024i128.checked_pow(*power)?)?;
            Format::BinarySi
        } else if let Some((_, exp)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
            scale += exp;
            Format::DecimalSi
        } else if let Some(exp) = suffix.strip_prefix(['e', 'E']) {
            scale += exp.parse::<i32>().ok()?;
            Format::DecimalExponent
        } else {
            return None;
        };
        if neg {
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

/// The canonical form of `text`, or `text` itself when it is not a quantity.
pub fn canonical(text: &str) -> String {
    Quantity::parse(text).map_or_else(|| text.to_string(), |q| q.canonical())
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
            ("1E6", "1e6"),
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
        assert!(Quantity::parse(".").is_none());
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
        assert!(q("0").is_zero() && !q("1m").is_zero());
    }
}

//! Kubernetes resource quantities (`500m`, `2`, `1.5Gi`, `1e3`) as exact numbers.
//!
//! Input → output: the text of a quantity, or the JSON value that holds one → a [`Quantity`], an exact
//! value in nano-units, plus the two integer views Karmada's scheduler reads: [`Quantity::value`]
//! (`Value()`) and [`Quantity::milli_value`] (`MilliValue()`).
//!
//! The grammar and the rounding are those of `k8s.io/apimachinery/pkg/api/resource` (`ParseQuantity`):
//!
//! - `<sign>? <digits>? (. <digits>?)? <suffix>`, suffix one of `n u m "" k M G T P E`,
//!   `Ki Mi Gi Ti Pi Ei`, or `e`/`E` followed by a signed integer (truncated to 32 bits, as Go does);
//! - a value more precise than one nano-unit is rounded away from zero (`0.1n` is `1n`);
//! - a binary-suffixed value is capped at 2^63-1 in magnitude, a decimal one is not;
//! - Kubernetes' leniencies are kept: `1.`, `.5`, a lone sign (`-`) and a lone suffix (`m`, `Ki`, `E`)
//!   parse, the last two as zero (except `Pi`, `Ei` and exponents below `e-9`, which Kubernetes rejects);
//! - JSON: a string is trimmed of surrounding white space, numbers are read from their decimal text,
//!   `null` is zero, as `Quantity.UnmarshalJSON` does.
//!
//! Invariants: every quantity is exact within ±10^28 units (parsing and arithmetic saturate there, far
//! beyond anything an int64 view can show); `value` and `milli_value` round away from zero and
//! saturate at the `i64` bounds; nothing panics on any input.
//!
//! Deliberately not done: the display format (binary vs decimal) and canonical re-serialisation
//! (`1.5Gi` → `1536Mi`); Go's representation-dependent oddities on overflow (an int64 view that wraps
//! or reads 0 past 2^63, a negative fraction stored as a big decimal rounding towards +∞), where this
//! module saturates and rounds away from zero throughout.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

const NANOS_PER_UNIT: i128 = 1_000_000_000;
const NANOS_PER_MILLI: i128 = 1_000_000;
/// The largest magnitude held, in nano-units (10^28 units).
const LIMIT: i128 = 10_i128.pow(37);
/// Kubernetes caps binary-suffixed quantities at 2^63-1 units.
const BINARY_CAP: i128 = i64::MAX as i128 * NANOS_PER_UNIT;

/// An exact Kubernetes quantity. Ordered by value; `Default` is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity {
    nanos: i128,
}

impl Quantity {
    pub const ZERO: Quantity = Quantity { nanos: 0 };

    fn from_nanos(nanos: i128) -> Quantity {
        Quantity {
            nanos: nanos.clamp(-LIMIT, LIMIT),
        }
    }

    /// Parses Kubernetes quantity text, exactly as given (no trimming).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        parse_text(text).ok_or_else(|| QuantityError::new(text))
    }

    /// Reads a quantity from JSON as the Kubernetes API server does: strings per [`Quantity::parse`]
    /// after trimming white space, integers and floats by their decimal value, `null` as zero.
    pub fn from_json(v: &serde_json::Value) -> Result<Quantity, QuantityError> {
        use serde_json::Value;
        match v {
            Value::Null => Ok(Quantity::ZERO),
            Value::String(s) => parse_text(s.trim()).ok_or_else(|| QuantityError::new(s)),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Ok(Quantity::from_int(i)),
                (None, Some(u)) => Ok(Quantity::from_nanos(i128::from(u) * NANOS_PER_UNIT)),
                // A float: its shortest decimal text (`0.5`, `1e30`) is valid quantity grammar.
                _ => Quantity::parse(&n.to_string()),
            },
            other => Err(QuantityError::new(&other.to_string())),
        }
    }

    /// `v` units.
    pub fn from_int(v: i64) -> Quantity {
        Quantity::from_nanos(i128::from(v) * NANOS_PER_UNIT)
    }

    /// `v` thousandths of a unit (millicores for cpu).
    pub fn from_milli(v: i64) -> Quantity {
        Quantity::from_nanos(i128::from(v) * NANOS_PER_MILLI)
    }

    /// Kubernetes `Value()`: the value rounded away from zero to an integer, saturating at the `i64` bounds.
    pub fn value(&self) -> i64 {
        scaled(self.nanos, NANOS_PER_UNIT)
    }

    /// Kubernetes `MilliValue()`: the value in thousandths, rounded away from zero, saturating.
    pub fn milli_value(&self) -> i64 {
        scaled(self.nanos, NANOS_PER_MILLI)
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }
}

/// `nanos / unit`, rounded away from zero, saturating at the `i64` bounds.
fn scaled(nanos: i128, unit: i128) -> i64 {
    let quotient = nanos / unit + (nanos % unit).signum();
    quotient.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl Add for Quantity {
    type Output = Quantity;
    /// Saturating at ±10^28 units.
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity::from_nanos(self.nanos + rhs.nanos)
    }
}

impl Sub for Quantity {
    type Output = Quantity;
    /// Saturating at ±10^28 units.
    fn sub(self, rhs: Quantity) -> Quantity {
        Quantity::from_nanos(self.nanos - rhs.nanos)
    }
}

impl Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity { nanos: -self.nanos }
    }
}

impl AddAssign for Quantity {
    fn add_assign(&mut self, rhs: Quantity) {
        *self = *self + rhs;
    }
}

impl SubAssign for Quantity {
    fn sub_assign(&mut self, rhs: Quantity) {
        *self = *self - rhs;
    }
}

/// A plain decimal number of units without a suffix (`1.5`, `-0.000000001`, `17179869184`), which
/// parses back to the same quantity.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.unsigned_abs();
        let (units, nanos) = (abs / 1_000_000_000, abs % 1_000_000_000);
        if nanos == 0 {
            write!(f, "{sign}{units}")
        } else {
            let fraction = format!("{nanos:09}");
            write!(f, "{sign}{units}.{}", fraction.trim_end_matches('0'))
        }
    }
}

/// Text that is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    text: String,
}

impl QuantityError {
    fn new(text: &str) -> QuantityError {
        QuantityError {
            text: text.to_string(),
        }
    }

    /// The rejected text (a JSON rendering for a value that is neither string nor number).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid quantity (expected a number with an optional suffix such as 500m, 2, 1.5Gi)",
            self.text
        )
    }
}

impl std::error::Error for QuantityError {}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Base {
    Ten,
    Two,
}

fn parse_text(text: &str) -> Option<Quantity> {
    let bytes = text.as_bytes();
    let (negative, body) = match bytes.first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    // Nothing but zeros after the sign (or nothing at all) is zero, whatever follows would have been.
    if body.bytes().all(|c| c == b'0') {
        return Some(Quantity::ZERO);
    }
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    let (int_digits, rest) = body.split_at(int_len);
    let (frac_digits, suffix) = match rest.strip_prefix('.') {
        Some(after_dot) => {
            after_dot.split_at(after_dot.bytes().take_while(u8::is_ascii_digit).count())
        }
        None => ("", rest),
    };
    if !suffix_shape_ok(suffix) {
        return None;
    }
    let (base, exponent) = interpret_suffix(suffix)?;
    if int_digits.is_empty() && frac_digits.is_empty() {
        // Kubernetes reads a digitless number as zero on its int64 path, and rejects it on its
        // arbitrary-precision path (taken below nano scale and for the two largest binary suffixes).
        let precise_path = match base {
            Base::Ten => exponent < -9,
            Base::Two => exponent >= 50,
        };
        return (!precise_path).then_some(Quantity::ZERO);
    }
    let magnitude = match base {
        Base::Ten => decimal_nanos(int_digits, frac_digits, exponent),
        Base::Two => binary_nanos(int_digits, frac_digits, exponent),
    };
    let signed = if negative { -magnitude } else { magnitude };
    Some(Quantity::from_nanos(signed))
}

/// Suffix letters, then an optional sign, then digits, and nothing else.
fn suffix_shape_ok(suffix: &str) -> bool {
    let rest = suffix.trim_start_matches(|c| "eEinumkKMGTP".contains(c));
    let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    rest.bytes().all(|c| c.is_ascii_digit())
}

fn interpret_suffix(suffix: &str) -> Option<(Base, i32)> {
    let pair = match suffix {
        "" => (Base::Ten, 0),
        "n" => (Base::Ten, -9),
        "u" => (Base::Ten, -6),
        "m" => (Base::Ten, -3),
        "k" => (Base::Ten, 3),
        "M" => (Base::Ten, 6),
        "G" => (Base::Ten, 9),
        "T" => (Base::Ten, 12),
        "P" => (Base::Ten, 15),
        "E" => (Base::Ten, 18),
        "Ki" => (Base::Two, 10),
        "Mi" => (Base::Two, 20),
        "Gi" => (Base::Two, 30),
        "Ti" => (Base::Two, 40),
        "Pi" => (Base::Two, 50),
        "Ei" => (Base::Two, 60),
        _ => {
            let digits = suffix.strip_prefix(['e', 'E'])?;
            // Kubernetes parses a 64-bit exponent and keeps its low 32 bits.
            (Base::Ten, digits.parse::<i64>().ok()? as i32)
        }
    };
    Some(pair)
}

/// The significant digits of `int.frac` (leading zeros of the whole and trailing zeros of the
/// fraction removed) and the length of the fraction they imply.
fn significant(int_digits: &str, frac_digits: &str) -> (Vec<u8>, i64) {
    let frac = frac_digits.trim_end_matches('0');
    let digits: Vec<u8> = int_digits
        .bytes()
        .chain(frac.bytes())
        .skip_while(|&c| c == b'0')
        .map(|c| c - b'0')
        .collect();
    (digits, frac.len() as i64)
}

fn digits_value(digits: &[u8]) -> i128 {
    digits.iter().fold(0, |acc, &d| acc * 10 + i128::from(d))
}

/// `|int.frac| × 10^exponent` in nano-units, rounded up, saturated at the limit.
fn decimal_nanos(int_digits: &str, frac_digits: &str, exponent: i32) -> i128 {
    let (digits, frac_len) = significant(int_digits, frac_digits);
    if digits.is_empty() {
        return 0;
    }
    let n = digits.len() as i64;
    // value = digits × 10^shift nano-units
    let shift = i64::from(exponent) + 9 - frac_len;
    if n - 1 + shift >= 38 {
        return LIMIT;
    }
    if shift >= 0 {
        // n + shift <= 38 digits: fits.
        return digits_value(&digits) * 10_i128.pow(shift as u32);
    }
    let dropped = -shift;
    if dropped >= n {
        return 1;
    }
    let keep = (n - dropped) as usize;
    let rounded_up = digits[keep..].iter().any(|&d| d != 0);
    digits_value(&digits[..keep]) + i128::from(rounded_up)
}

/// `|int.frac| × 2^exponent` in nano-units, rounded up, capped at 2^63-1 units.
fn binary_nanos(int_digits: &str, frac_digits: &str, exponent: i32) -> i128 {
    let (digits, frac_len) = significant(int_digits, frac_digits);
    if digits.is_empty() {
        return 0;
    }
    let int_places = digits.len() as i64 - frac_len;
    if int_places >= 21 {
        return BINARY_CAP; // at least 10^20 × 2^10 units
    }
    if int_places <= -28 {
        return 1; // below 10^-28 × 2^60 units, less than one nano-unit
    }
    let mut big = BigUint::from_digits(&digits);
    big.mul_pow2(exponent as u32);
    let mut rounded_up = false;
    if frac_len <= 9 {
        big.mul_pow10((9 - frac_len) as u32);
    } else {
        rounded_up = big.div_pow10(frac_len - 9);
    }
    match big.to_u128() {
        Some(v) if v < BINARY_CAP as u128 => (v as i128 + i128::from(rounded_up)).min(BINARY_CAP),
        _ => BINARY_CAP,
    }
}

/// Just enough of an unsigned big integer (little-endian 32-bit limbs) for exact binary suffixes.
struct BigUint(Vec<u32>);

impl BigUint {
    fn from_digits(digits: &[u8]) -> BigUint {
        let mut big = BigUint(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0_u32, |acc, &d| acc * 10 + u32::from(d));
            big.mul_add(10_u32.pow(chunk.len() as u32), value);
        }
        big
    }

    fn mul_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(factor) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow2(&mut self, mut exponent: u32) {
        while exponent > 0 {
            let step = exponent.min(31);
            self.mul_add(1 << step, 0);
            exponent -= step;
        }
    }

    fn mul_pow10(&mut self, mut exponent: u32) {
        while exponent > 0 {
            let step = exponent.min(9);
            self.mul_add(10_u32.pow(step), 0);
            exponent -= step;
        }
    }

    /// Divides by `divisor`, returning whether there was a remainder.
    fn div_rem(&mut self, divisor: u32) -> bool {
        let mut rem = 0_u64;
        for limb in self.0.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / u64::from(divisor)) as u32;
            rem = cur % u64::from(divisor);
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        rem != 0
    }

    /// Divides by 10^exponent, returning whether anything was lost.
    fn div_pow10(&mut self, mut exponent: i64) -> bool {
        let mut lost = false;
        while exponent > 0 && !self.0.is_empty() {
            let step = exponent.min(9);
            lost |= self.div_rem(10_u32.pow(step as u32));
            exponent -= step;
        }
        lost
    }

    fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0_u128, |acc, &limb| (acc << 32) | u128::from(limb)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn nanos(text: &str) -> i128 {
        q(text).nanos
    }

    /// Values from apimachinery `TestQuantityParse` (as nano-units), which also checks each with an
    /// explicit `+` and negated.
    #[test]
    fn parse_values_from_kubernetes() {
        const G: i128 = 1_000_000_000;
        let table: &[(&str, i128)] = &[
            ("0", 0),
            ("0n", 0),
            ("0u", 0),
            ("0m", 0),
            ("0Ki", 0),
            ("0k", 0),
            ("0Mi", 0),
            ("0M", 0),
            ("0Gi", 0),
            ("0G", 0),
            ("0Ti", 0),
            ("0T", 0),
            ("1", G),
            ("1Ki", 1024 * G),
            ("8Ki", 8 * 1024 * G),
            ("7Mi", 7 * (1 << 20) * G),
            ("6Gi", 6 * (1 << 30) * G),
            ("5Ti", 5 * (1 << 40) * G),
            ("4Pi", 4 * (1 << 50) * G),
            ("3Ei", 3 * (1 << 60) * G),
            ("10Ti", 10 * (1 << 40) * G),
            ("100Ti", 100 * (1 << 40) * G),
            ("5n", 5),
            ("4u", 4_000),
            ("3m", 3_000_000),
            ("9", 9 * G),
            ("8k", 8_000 * G),
            ("50k", 50_000 * G),
            ("7M", 7_000_000 * G),
            ("6G", 6 * G * G),
            ("5T", 5_000 * G * G),
            ("40T", 40_000 * G * G),
            ("300T", 300_000 * G * G),
            ("2P", 2_000_000 * G * G),
            ("1E", G * G * G),
            ("1E-3", 1_000_000),
            ("1e3", 1_000 * G),
            ("1E6", 1_000_000 * G),
            ("1e9", G * G),
            ("1E12", 1_000 * G * G),
            ("1e15", 1_000_000 * G * G),
            ("1E18", G * G * G),
            ("1e14", 100_000 * G * G),
            ("1e13", 10_000 * G * G),
            ("100.035k", 100_035 * G),
            ("0.001", 1_000_000),
            ("0.0005k", 500_000_000),
            ("0.005", 5_000_000),
            ("0.05", 50_000_000),
            ("0.5", 500_000_000),
            ("0.00050k", 500_000_000),
            ("0.00500", 5_000_000),
            ("0.05000", 50_000_000),
            ("0.50000", 500_000_000),
            ("0.5e0", 500_000_000),
            ("0.5e-1", 50_000_000),
            ("0.5e-2", 5_000_000),
            ("10.035M", 10_035_000 * G),
            ("1.2e3", 1_200 * G),
            ("1.3E+6", 1_300_000 * G),
            ("1.40e9", 1_400_000_000 * G),
            ("1.53E12", 1_530 * G * G),
            ("1.6e15", 1_600_000 * G * G),
            ("1.7E18", 1_700_000_000 * G * G),
            ("9.01", 9_010_000_000),
            ("8.1k", 8_100 * G),
            ("7.123456M", 7_123_456 * G),
            ("6.987654321G", 6_987_654_321 * G),
            ("5.444T", 5_444 * G * G),
            ("40.1T", 40_100 * G * G),
            ("300.2T", 300_200 * G * G),
            ("2.5P", 2_500_000 * G * G),
            ("1.01E", 1_010_000_000 * G * G),
            // Things that saturate/round.
            ("3.001n", 4),
            ("1.1E-9", 2),
            ("0.0000000001", 1),
            ("0.0000000005", 1),
            ("0.00000000050", 1),
            ("0.5e-9", 1),
            ("0.9n", 1),
            ("0.00000012345", 124),
            ("0.00000012354", 124),
            ("9Ei", BINARY_CAP),
            ("9223372036854775807Ki", BINARY_CAP),
            ("12E", 12 * G * G * G),
            // Fractional binary.
            ("100.035Ki", 10_243_584 * G / 100),
            ("0.5Mi", 524_288 * G),
            ("0.05Gi", 53_687_091_200_000_000),
            ("0.025Ti", 27_487_790_694_400_000_000),
            // Things written by trolls.
            ("0.000000000001Ki", 2),
            (".001", 1_000_000),
            (".0001k", 100_000_000),
            ("1.", G),
            ("1.G", G * G),
        ];
        for &(text, expected) in table {
            assert_eq!(nanos(text), expected, "{text}");
            assert_eq!(nanos(&format!("+{text}")), expected, "+{text}");
            assert_eq!(nanos(&format!("-{text}")), -expected, "-{text}");
        }
    }

    /// The invalid inputs of apimachinery `TestQuantityParse`, and more.
    #[test]
    fn parse_rejects() {
        for text in [
            "",
            "1.1.M",
            "1+1.0M",
            "0.1mi",
            "0.1am",
            "aoeu",
            ".5i",
            "1i",
            "-3.01i",
            "-3.01e-",
            " 1",
            "1 ",
            "4 cores",
            "1.2.3",
            "10x",
            "1e",
            "1K",
            "1ee3",
            "1e5e",
            "1-5",
            "+-5",
            "e",
            "Pi",
            "Ei",
            "e-10",
            "1Ki+5",
            "1e99999999999999999999",
            "１",
        ] {
            assert!(Quantity::parse(text).is_err(), "{text:?} should not parse");
        }
    }

    /// Kubernetes' leniencies, read from `parseQuantityString`: a lone sign or suffix is zero.
    #[test]
    fn parse_leniencies() {
        for text in [
            "-", "+", "m", "Ki", "Ti", "E", "e-9", ".", "-000", "00", "0.e-10",
        ] {
            assert_eq!(Quantity::parse(text), Ok(Quantity::ZERO), "{text:?}");
        }
        // The exponent keeps its low 32 bits: 2^32 + 3 reads as 3.
        assert_eq!(q("1e4294967299"), q("1e3"));
    }

    /// Big values from apimachinery `TestParseQuantity`: decimal values are not capped.
    #[test]
    fn parse_large_values() {
        assert_eq!(q("10E").nanos, 10_i128.pow(28));
        assert_eq!(
            q("9999999999999999999.1").nanos,
            9_999_999_999_999_999_999_100_000_000
        );
        assert_eq!(
            q("-9223372036854775809").nanos,
            -9_223_372_036_854_775_809 * NANOS_PER_UNIT
        );
        assert_eq!(q("10E").value(), i64::MAX);
        assert_eq!(q("-10E").value(), i64::MIN);
        assert_eq!(q("1e100"), Quantity::from_nanos(LIMIT));
        assert_eq!(q("-1e100"), Quantity::from_nanos(-LIMIT));
        assert_eq!(q("1e-100").nanos, 1);
        assert_eq!(
            q("12345678901234567890123456789012345678901234567890e-40").nanos,
            1_234_567_890_123_456_790
        );
        assert_eq!(
            q("1.0000000000000000000000000000000000000000001Ki").nanos,
            1024 * NANOS_PER_UNIT + 1
        );
        assert_eq!(q("0.00000000000000000000000000001Ki").nanos, 1);
    }

    /// apimachinery `TestScaledValue` (1 at a scale, read at another) and the rounding rules.
    #[test]
    fn value_and_milli_value() {
        assert_eq!(q("1n").value(), 1);
        assert_eq!(q("1n").milli_value(), 1);
        assert_eq!(q("1u").milli_value(), 1);
        assert_eq!(q("1m").milli_value(), 1);
        assert_eq!(q("1m").value(), 1);
        assert_eq!(q("1").milli_value(), 1000);
        assert_eq!(q("100m").value(), 1);
        assert_eq!(q("1500m").value(), 2);
        assert_eq!(q("-1500m").value(), -2);
        assert_eq!(q("-0.5").value(), -1);
        assert_eq!(q("1.5Gi").value(), 1_610_612_736);
        assert_eq!(q("9Ei").value(), i64::MAX);
        assert_eq!(q("9Ei").milli_value(), i64::MAX);
        assert_eq!(q("10E").milli_value(), i64::MAX);
        assert_eq!(Quantity::from_milli(250), q("250m"));
        assert_eq!(Quantity::from_int(-3), q("-3"));
    }

    /// apimachinery `TestJSONWhitespace`, plus numbers, null and wrong types.
    #[test]
    fn from_json() {
        assert_eq!(Quantity::from_json(&json!(" 1")), Ok(q("1")));
        assert_eq!(Quantity::from_json(&json!("1 ")), Ok(q("1")));
        assert_eq!(Quantity::from_json(&json!(1)), Ok(q("1")));
        assert_eq!(Quantity::from_json(&json!(-1)), Ok(q("-1")));
        assert_eq!(Quantity::from_json(&json!(0.5)), Ok(q("500m")));
        assert_eq!(Quantity::from_json(&json!(1e30)), Ok(q("1e30")));
        assert_eq!(
            Quantity::from_json(&json!(u64::MAX)),
            Ok(q("18446744073709551615"))
        );
        assert_eq!(Quantity::from_json(&json!(null)), Ok(Quantity::ZERO));
        assert_eq!(Quantity::from_json(&json!("500m")), Ok(q("500m")));
        let err = Quantity::from_json(&json!("4 cores")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`4 cores` is not a valid quantity (expected a number with an optional suffix such as 500m, 2, 1.5Gi)"
        );
        assert_eq!(
            Quantity::from_json(&json!(true)).unwrap_err().text(),
            "true"
        );
        assert!(Quantity::from_json(&json!({"a": 1})).is_err());
    }

    #[test]
    fn arithmetic_and_display() {
        assert_eq!(q("1") - q("1500m"), q("-500m"));
        assert_eq!(q("1Gi") + q("512Mi"), q("1.5Gi"));
        assert_eq!(q("1e100") + q("1e100"), q("1e100"));
        assert_eq!(q("1.5").to_string(), "1.5");
        assert_eq!(q("-1n").to_string(), "-0.000000001");
        assert_eq!(q("16Gi").to_string(), "17179869184");
        assert_eq!(Quantity::ZERO.to_string(), "0");
        assert!(q("0m").is_zero());
        assert!(q("-1m").is_negative());
        assert!(q("1Ki") > q("1k"));
    }

    proptest! {
        #[test]
        fn display_round_trips(n in -LIMIT..=LIMIT) {
            let x = Quantity::from_nanos(n);
            prop_assert_eq!(Quantity::parse(&x.to_string()), Ok(x));
        }

        #[test]
        fn value_is_the_ceiling_away_from_zero(n in any::<i64>()) {
            let x = Quantity::from_nanos(i128::from(n) * 1000 + 7);
            let v = i128::from(x.value()) * NANOS_PER_UNIT;
            if x.nanos > 0 {
                prop_assert!(v >= x.nanos && v - x.nanos < NANOS_PER_UNIT);
            } else {
                prop_assert!(v <= x.nanos && x.nanos - v < NANOS_PER_UNIT);
            }
            let m = i128::from(x.milli_value()) * NANOS_PER_MILLI;
            prop_assert!((m - x.nanos).abs() < NANOS_PER_MILLI);
        }

        #[test]
        fn integers_and_millis_parse_exactly(v in any::<i64>()) {
            prop_assert_eq!(q(&v.to_string()), Quantity::from_int(v));
            prop_assert_eq!(q(&format!("{v}m")), Quantity::from_milli(v));
            prop_assert_eq!(q(&v.to_string()).value(), v);
        }

        #[test]
        fn binary_suffixes_multiply(v in 0_i64..1_000_000, frac in 0_u32..1000) {
            let text = format!("{v}.{frac:03}Mi");
            let exact = (i128::from(v) * 1000 + i128::from(frac)) * (1 << 20) * NANOS_PER_UNIT / 1000;
            prop_assert_eq!(q(&text).nanos, exact);
        }

        #[test]
        fn parse_never_panics(text in "[-+0-9.eEinumkKMGTP ]{0,40}") {
            let _ = Quantity::parse(&text).map(|x| (x.value(), x.milli_value()));
        }
    }
}

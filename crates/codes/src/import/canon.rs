//! GWELLS's equivalent value forms made canonical (`codetables/README.md`), and the CSV text
//! written in PostgreSQL's own `COPY ... (FORMAT csv)` quoting, so `codes dump` reproduces it.

/// The canonical form of `value` in column `column`, by the same column-name rule the offline
/// check types columns with; `Err` holds why it cannot be made canonical.
pub(crate) fn value(column: &str, value: &str) -> Result<String, String> {
    if column.ends_with("_guid") {
        uuid::Uuid::parse_str(value.trim())
            .map(|u| u.hyphenated().to_string())
            .map_err(|_| format!("`{value}` is not a UUID"))
    } else if column.ends_with("_date") {
        timestamp(value)
    } else if column == "display_order" {
        match value.trim().parse::<i32>() {
            Ok(n) if n >= 0 => Ok(n.to_string()),
            _ => Err(format!("`{value}` is not an integer >= 0")),
        }
    } else {
        Ok(value.to_string())
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` with an offset (`-08`, `-07:00`, `+00`), the forms
/// GWELLS's files use, written as the same instant in UTC: `2017-07-01 08:00:00+00`.
pub(crate) fn timestamp(value: &str) -> Result<String, String> {
    let bad = || Err(format!("`{value}` is not a timestamp with an offset"));
    let v = value.trim();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = v.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let b = v.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return bad();
    }
    if b[13] != b':' || b[16] != b':' {
        return bad();
    }
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) =
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19))
    else {
        return bad();
    };
    let mut rest = &v[19..];
    let mut fraction = "";
    if let Some(after) = rest.strip_prefix('.') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 6 {
            return bad();
        }
        fraction = after[..n].trim_end_matches('0');
        rest = &after[n..];
    }
    let sign = match rest.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return bad(),
    };
    let offset: Vec<&str> = rest[1..].split(':').collect();
    let parts: Option<Vec<i64>> = offset
        .iter()
        .map(|p| (p.len() == 2 && p.bytes().all(|c| c.is_ascii_digit())).then(|| p.parse().ok())?)
        .collect();
    let Some(parts) = parts.filter(|p| (1..=3).contains(&p.len())) else { return bad() };
    let offset_s =
        sign * (parts[0] * 3600 + parts.get(1).unwrap_or(&0) * 60 + parts.get(2).unwrap_or(&0));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // PostgreSQL has no year 0.
    if y == 0
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in[(mo - 1) as usize]
        || h > 23
        || mi > 59
        || s > 59
    {
        return bad();
    }
    let utc = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    let (days, secs) = (utc.div_euclid(86_400), utc.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    let fraction = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    Ok(format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}{fraction}+00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// One CSV line (with its LF) as `COPY ... TO STDOUT (FORMAT csv)` writes it: NULL as nothing,
/// quotes only around the empty string and values holding a comma, quote or line break.
pub(crate) fn csv_line(values: &[Option<&str>]) -> String {
    let fields: Vec<String> = values
        .iter()
        .map(|v| match v {
            None => String::new(),
            Some(s) if s.is_empty() || s.contains([',', '"', '\n', '\r']) || *s == "\\." => {
                format!("\"{}\"", s.replace('"', "\"\""))
            }
            Some(s) => s.to_string(),
        })
        .collect();
    format!("{}\n", fields.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_become_utc() {
        let t = |v: &str| value("create_date", v);
        assert_eq!(t("2017-07-01 00:00:00-08").as_deref(), Ok("2017-07-01 08:00:00+00"));
        assert_eq!(t("2017-07-01 01:00:00-07").as_deref(), Ok("2017-07-01 08:00:00+00"));
        assert_eq!(
            t("2018-01-08 12:41:41.440024-08").as_deref(),
            Ok("2018-01-08 20:41:41.440024+00")
        );
        assert_eq!(t("2017-12-31 20:30:00.500-05:30").as_deref(), Ok("2018-01-01 02:00:00.5+00"));
        assert_eq!(t("2016-02-29 00:00:00+01").as_deref(), Ok("2016-02-28 23:00:00+00"));
        assert_eq!(t("2017-07-01 07:00:00+00").as_deref(), Ok("2017-07-01 07:00:00+00"));
        assert!(t("2017-07-01 00:00:00").is_err(), "no offset: which instant is unknown");
        assert!(t("2017-02-30 00:00:00-08").is_err());
        assert!(t("yesterday").is_err());
    }

    #[test]
    fn uuids_and_integers() {
        assert_eq!(
            value("x_guid", "5A3152C847E711E7A91992EBCB67FE33").as_deref(),
            Ok("5a3152c8-47e7-11e7-a919-92ebcb67fe33")
        );
        assert!(value("x_guid", "5a3152c8").is_err());
        assert_eq!(value("display_order", "010").as_deref(), Ok("10"));
        assert!(value("display_order", "-1").is_err());
        assert_eq!(value("description", " as is ").as_deref(), Ok(" as is "));
    }

    #[test]
    fn quoting_as_copy_writes_it() {
        assert_eq!(
            csv_line(&[Some("a"), None, Some(""), Some("x, y"), Some("6\" pipe")]),
            "a,,\"\",\"x, y\",\"6\"\" pipe\"\n"
        );
    }
}

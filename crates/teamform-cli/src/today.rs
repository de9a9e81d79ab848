//! Today's date from the system clock (UTC), or from `--today` for reproducible runs.

use teamform_model::Date;

/// Parses `YYYY-MM-DD`.
pub fn parse(text: &str) -> Result<Date, String> {
    let bad = || format!("`{text}` is not a date like `2026-11-25`");
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let year = y.parse::<u16>().map_err(|_| bad())?;
    let month = m.parse::<u8>().map_err(|_| bad())?;
    let day = d.parse::<u8>().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    Ok(Date { year, month, day })
}

/// Today in UTC, from the system clock.
pub fn system() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Converts days since 1970-01-01 to a calendar date (proleptic Gregorian).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: u16::try_from(year).unwrap_or(u16::MAX),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0).to_string(), "1970-01-01");
        assert_eq!(civil_from_days(20_782).to_string(), "2026-11-25");
        assert_eq!(civil_from_days(11_016).to_string(), "2000-02-29");
        assert!(parse("2026-13-01").is_err());
        assert_eq!(
            parse("2026-11-25").map(|d| d.to_string()),
            Ok("2026-11-25".to_string())
        );
    }
}

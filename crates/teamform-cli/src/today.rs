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
    Date::today_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(20_782).to_string(), "2026-11-25");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert!(parse("2026-13-01").is_err());
        assert_eq!(
            parse("2026-11-25").map(|d| d.to_string()),
            Ok("2026-11-25".to_string())
        );
    }
}

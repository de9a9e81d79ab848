//! Instants as HubSpot's activity APIs write them: RFC 3339 date-times (`2026-11-30T09:15:00Z`,
//! with optional fractions of a second and a numeric offset), held as milliseconds since the
//! Unix epoch so that they compare and subtract exactly.

use teamform_model::Date;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

impl Instant {
    /// Now, from the system clock.
    pub fn now() -> Instant {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Instant(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// The start (midnight UTC) of `date`.
    pub fn from_date(date: Date) -> Instant {
        Instant(date.unix_days() * DAY_MS)
    }

    /// The UTC date of this instant.
    pub fn date(self) -> Date {
        Date::from_unix_days(self.0.div_euclid(DAY_MS))
    }

    /// This instant `days` days earlier.
    pub fn days_before(self, days: u32) -> Instant {
        Instant(self.0 - i64::from(days) * DAY_MS)
    }

    /// Reads an RFC 3339 date-time; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Instant> {
        let t = text.trim();
        let (date, rest) = (t.get(..10)?, t.get(10..)?);
        let mut parts = date.split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (hms, zone) = split_zone(rest)?;
        let (clock, fraction) = match hms.split_once('.') {
            Some((c, f)) => (c, f),
            None => (hms, ""),
        };
        let mut fields = clock.split(':');
        let h: i64 = fields.next()?.parse().ok()?;
        let m: i64 = fields.next()?.parse().ok()?;
        let s: i64 = fields.next()?.parse().ok()?;
        if fields.next().is_some() || h > 23 || m > 59 || s > 60 || clock.len() != 8 {
            return None;
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let ms: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
        let days = Date { year, month, day }.unix_days();
        Some(Instant(
            days * DAY_MS + ((h * 60 + m) * 60 + s) * 1000 + ms - zone * 60_000,
        ))
    }
}

/// Splits `HH:MM:SS[.fff]` from its zone, returned as minutes east of UTC.
fn split_zone(rest: &str) -> Option<(&str, i64)> {
    if let Some(hms) = rest.strip_suffix(['Z', 'z']) {
        return Some((hms, 0));
    }
    let at = rest.rfind(['+', '-'])?;
    let (hms, zone) = rest.split_at(at);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (h, m) = zone.get(1..)?.split_once(':')?;
    let minutes = h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?;
    Some((hms, sign * minutes))
}

impl std::fmt::Display for Instant {
    /// Writes `YYYY-MM-DDTHH:MM:SSZ`, with milliseconds when there are any.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let in_day = self.0.rem_euclid(DAY_MS);
        let secs = in_day / 1000;
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        write!(f, "{}T{h:02}:{m:02}:{s:02}", self.date())?;
        match in_day % 1000 {
            0 => f.write_str("Z"),
            ms => write!(f, ".{ms:03}Z"),
        }
    }
}

impl serde::Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Instant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Instant::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 date-time"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_and_write_rfc_3339() {
        let t = Instant::parse("2026-11-30T09:15:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-30T09:15:00Z");
        assert_eq!(
            Instant::parse("2026-11-30T10:15:00.250+01:00").unwrap().0,
            t.0 + 250
        );
        assert_eq!(Instant::parse("1970-01-01T00:00:00Z"), Some(Instant(0)));
        assert_eq!(Instant(1500).to_string(), "1970-01-01T00:00:01.500Z");
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-11-30",
            "2026-11-30T9:15:00Z",
            "x",
        ] {
            assert_eq!(Instant::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_count_back_from_an_instant() {
        let t = Instant::parse("2026-11-30T00:00:00Z").unwrap();
        assert_eq!(t.days_before(90).date().to_string(), "2026-09-01");
        assert_eq!(Instant::from_date(t.date()), t);
    }
}

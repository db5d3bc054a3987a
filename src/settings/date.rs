//! Calendar dates (`YYYY-MM-DD`) of exception and inline-ignore expiries,
//! parsed and checked by the `time` crate.

/// A calendar date (YYYY-MM-DD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(time::Date);

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

/// `YYYY-MM-DD`: a four-digit year, two-digit month and day.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        // The `time` crate also reads a signed year; a date here is plain.
        if s.len() != 10 || !s.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        time::Date::parse(s, DATE_FORMAT).ok().map(Self)
    }

    /// Today (UTC) by the system clock.
    pub(crate) fn today_utc() -> Self {
        Self(time::OffsetDateTime::now_utc().date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2027-03-31").map(|d| d.to_string()).as_deref(),
            Some("2027-03-31")
        );
        assert!(Date::parse("2027-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2027-13-01").is_none());
        assert!(Date::parse("27-1-1").is_none());
        assert!(Date::parse("2027-1-01").is_none());
        assert!(Date::parse("+2027-01-01").is_none());
        assert!(Date::parse("2027-01-01x").is_none());
        assert_eq!(
            Date::parse(" 2000-02-29 ")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2000-02-29")
        );
        assert!(Date::parse("2026-11-24") < Date::parse("2026-12-01"));
        assert!(Date::today_utc() > Date::parse("2026-01-01").unwrap());
    }
}

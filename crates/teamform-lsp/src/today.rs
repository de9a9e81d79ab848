//! Today's date (UTC), for `expires` checks; the compiler does not read the clock itself.

use teamform_model::Date;

/// Today in UTC.
pub fn today() -> Date {
    Date::today_utc()
}

//! `time.strftime('%X')` for the examples: the wall-clock time of day as `HH:MM:SS`
//! (UTC: the standard library has no time zones, and these lines only show elapsed time).

/// The time of day now, `HH:MM:SS` UTC.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

//! What the machine can give a run: memory, disk space, and sizes in words for messages.

use std::path::Path;

/// Memory the system can give without swapping, when it says.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Free space for an unprivileged user in the folder that will hold `path`.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
pub fn free_disk(path: &Path) -> Option<u64> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let c = CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct and reads a valid NUL-terminated path.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    Some(s.f_bavail as u64 * s.f_frsize as u64)
}

#[cfg(not(unix))]
pub fn free_disk(_: &Path) -> Option<u64> {
    None
}

/// A size in the unit that shows its digits: 512 bytes, 3.2 MiB, 41.0 GiB.
pub fn bytes_text(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024.0 {
        return format!("{} bytes", bytes.round());
    }
    let mut value = bytes / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::bytes_text;

    #[test]
    fn sizes_are_shown_in_a_unit_that_shows_their_digits() {
        assert_eq!(bytes_text(300.0), "300 bytes");
        assert_eq!(bytes_text(5.0 * 1024.0 * 1024.0), "5.0 MiB");
        assert_eq!(bytes_text(41.0 * (1u64 << 30) as f64), "41.0 GiB");
        assert_eq!(bytes_text(3.0 * (1u64 << 50) as f64), "3.0 PiB");
    }
}

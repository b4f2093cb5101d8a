//! What a command writes, and how: never over a file it reads, names that fit the format,
//! closed pipes, full disks, signals, memory and overflow, through the real binary.

use std::path::{Path, PathBuf};

use crate::common::{capacity, write};

/// The path of a shipped sweep file, from the crate root.
fn shipped(name: &str) -> String {
    format!("{}/scenarios/sweeps/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir`; (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out = capacity().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code(), out.stdout, err)
}

#[track_caller]
fn refused(dir: &Path, args: &[&str], message: &str) {
    let (code, _, err) = run_in(dir, args);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(
        err.contains(message),
        "{args:?}: wanted {message:?} in {err}"
    );
}

#[test]
fn no_command_writes_over_a_file_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let parent = "name = \"parent\"\nextends = \"obc\"\n";
    let child = "extends = \"parent.toml\"\n";
    let prev = capacity::embedded::PREVALENCE_CSV;
    write(d, "parent.toml", parent);
    write(d, "my.toml", child);
    write(d, "prev.csv", prev);
    refused(
        d,
        &["check", "--report", "markdown", "-o", "my.toml", "my.toml"],
        "--output my.toml: is the scenario file this run reads",
    );
    refused(
        d,
        &[
            "check",
            "--report",
            "markdown",
            "-o",
            "parent.toml",
            "my.toml",
        ],
        "--output parent.toml: is the scenario file this run reads",
    );
    refused(
        d,
        &[
            "check",
            "--report",
            "markdown",
            "--prevalence",
            "prev.csv",
            "-o",
            "./prev.csv",
            "my.toml",
        ],
        "--output ./prev.csv: is the prevalence file this run reads",
    );
    // Blessing writes expected files: never one that is a scenario read.
    write(d, "x.json", "extends = \"obc\"\n");
    refused(
        d,
        &["check", "--bless", "--expected", ".", "./x.json"],
        "expected file ./x.json: is the scenario file this run reads",
    );
    // init --force over the file it starts from.
    refused(
        d,
        &["init", "--force", "my.toml", "--from", "./my.toml"],
        "FILE my.toml: is the scenario file this run reads",
    );
    // Through a symbolic link.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("parent.toml"), d.join("link.md")).unwrap();
        refused(
            d,
            &["model", "my.toml", "--format", "markdown", "-o", "link.md"],
            "--output link.md: is the scenario file this run reads",
        );
    }
    // summarize reads the rows file's manifest too.
    let (code, _, err) = run_in(
        d,
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            "r.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let manifest = std::fs::read(d.join("r.manifest.json")).unwrap();
    refused(
        d,
        &["summarize", "r.csv", "--summary", "r.manifest.json"],
        "--summary r.manifest.json: is the manifest file this run reads",
    );
    assert_eq!(std::fs::read(d.join("r.manifest.json")).unwrap(), manifest);
    for (name, text) in [
        ("parent.toml", parent),
        ("my.toml", child),
        ("prev.csv", prev),
    ] {
        assert_eq!(
            std::fs::read_to_string(d.join(name)).unwrap(),
            text,
            "{name}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("x.json")).unwrap(),
        "extends = \"obc\"\n"
    );
}

#[test]
fn an_output_named_for_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    refused(
        d,
        &["report", "-o", "out.xlsx"],
        "--output out.xlsx: it holds HTML, but .xlsx is the extension of an Excel workbook; name the file out.html",
    );
    refused(
        d,
        &["model", "--format", "csv", "-o", "x.json"],
        "--output x.json: --format csv writes CSV, but .json is the extension of JSON; give --format json, or name the file x.csv",
    );
    refused(
        d,
        &["sweep", &shipped("grid.toml"), "--summary", "s.xlsx"],
        "--summary s.xlsx: it holds CSV, but .xlsx is the extension of an Excel workbook; name the file s.csv",
    );
    refused(
        d,
        &["init", "new.json"],
        "FILE new.json: it holds TOML, but .json is the extension of JSON; name the file new.toml",
    );
    let written: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(written.is_empty(), "{written:?}");
    // A name without a format's extension, or a device, is taken as given.
    let (code, _, err) = run_in(d, &["model", "--format", "csv", "-o", "icbs.txt"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run_in(d, &["model", "--format", "csv", "-o", "/dev/null"]);
    assert_eq!(code, Some(0), "{err}");
}

/// Starts `capacity args` with stdout piped, reads `bytes` bytes of it, closes the pipe and
/// returns the exit code and stderr.
fn read_then_close(args: &[&str], bytes: usize) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::Stdio;
    let bin = assert_cmd::cargo::cargo_bin("capacity");
    let mut child = std::process::Command::new(&bin)
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = vec![0u8; bytes];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_stops_early_is_not_an_error_for_any_output() {
    let mc = shipped("monte-carlo.toml");
    for args in [
        vec![
            "sweep",
            mc.as_str(),
            "--level",
            "sub-icb",
            "--runs",
            "20000",
            "--rows",
            "/dev/stdout",
            "--no-summary",
        ],
        vec![
            "sweep",
            mc.as_str(),
            "--level",
            "sub-icb",
            "--runs",
            "20000",
            "--rows",
            "/dev/stdout",
        ],
        vec![
            "model",
            "--level",
            "sub-icb",
            "--by-disorder",
            "--format",
            "json",
        ],
        vec![
            "report",
            "--level",
            "sub-icb",
            "--area-funnels",
            "-o",
            "/dev/stdout",
        ],
    ] {
        let (code, err) = read_then_close(&args, 10);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn a_full_disk_on_standard_output_is_a_failure_that_says_so() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let grid = shipped("grid.toml");
    let (code, _, err) = run_in(d, &["sweep", &grid, "--level", "region", "--rows", "r.csv"]);
    assert_eq!(code, Some(0), "{err}");
    for args in [
        vec!["model"],
        vec!["model", "--format", "xlsx"],
        vec!["scenarios"],
        vec!["check", "--report", "markdown", "obc"],
        vec!["sweep", grid.as_str(), "--level", "region"],
        vec!["summarize", "r.csv"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("capacity"))
            .current_dir(d)
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("error: writing standard output: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

/// The resident memory of a running process, in bytes (Linux).
fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn fuzz_found_rows_sweep_memory_is_bounded() {
    if !Path::new("/proc/self/status").exists() {
        return;
    }
    // The most runs a sweep may have: streamed to /dev/null, memory must not depend on them
    // (it once allocated per-chunk bookkeeping for every run up front and aborted).
    let bin = assert_cmd::cargo::cargo_bin("capacity");
    let mut child = std::process::Command::new(&bin)
        .args([
            "sweep",
            &shipped("monte-carlo.toml"),
            "--runs",
            "1099511627776",
            "--rows",
            "/dev/null",
            "--no-summary",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = 0;
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the sweep stopped ({status}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        peak = peak.max(resident_bytes(child.id()).unwrap_or(0));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(peak < 200 << 20, "resident memory {peak} bytes");
}

/// The hidden temporary files in `dir` (`.NAME.tmpPID`).
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.contains(".tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_signal_during_a_rows_sweep_removes_its_temporary_files() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("capacity"))
            .current_dir(d)
            .args([
                "sweep",
                &shipped("monte-carlo.toml"),
                "--runs",
                "1000000",
                "--level",
                "region",
                "--rows",
                "rows.csv",
                "--no-summary",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the rows are being written.
        let started = std::time::Instant::now();
        let tmp = d.join(format!(".rows.csv.tmp{}", child.id()));
        while std::fs::metadata(&tmp).map_or(true, |m| m.len() == 0) {
            assert!(
                started.elapsed().as_secs() < 60,
                "no temporary rows file appeared"
            );
            assert!(child.try_wait().unwrap().is_none(), "the sweep ended early");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // SAFETY: signalling a child process of this test.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(128 + signal),
            "signal {signal}: {status}"
        );
        assert!(temporaries(d).is_empty(), "{:?}", temporaries(d));
        let left: Vec<_> = std::fs::read_dir(d).unwrap().collect();
        assert!(left.is_empty(), "signal {signal}: {left:?}");
    }
}

#[test]
fn summarize_refuses_nan_infinity_and_out_of_range_values_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run_in(
        d,
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            "r.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(d.join("r.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let column = lines[0].split(',').position(|h| h == "total_wte").unwrap();
    let original = lines[2].clone();
    for bad in ["NaN", "inf", "-inf", "1e308"] {
        let mut cells: Vec<&str> = original.split(',').collect();
        cells[column] = bad;
        lines[2] = cells.join(",");
        std::fs::write(d.join("r.csv"), lines.join("\n") + "\n").unwrap();
        let (code, out, err) = run_in(d, &["summarize", "r.csv"]);
        assert_eq!(code, Some(2), "{bad}: {err}");
        assert!(out.is_empty(), "{bad}");
        assert!(
            err.contains(&format!("r.csv:3: total_wte = '{bad}' is ")),
            "{bad}: {err}"
        );
    }
}

#[test]
fn identical_runs_give_identical_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let grid = shipped("grid.toml");
    let mut bytes = Vec::new();
    for i in 0..2 {
        if i == 1 {
            // The creation time once had a resolution of a second.
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
        // The same command line (it is in the Inputs sheet), in a folder of its own.
        let d = dir.path().join(format!("run{i}"));
        std::fs::create_dir(&d).unwrap();
        for args in [
            vec!["model", "--format", "xlsx", "-o", "m.xlsx"],
            vec![
                "sweep",
                grid.as_str(),
                "--level",
                "region",
                "--format",
                "xlsx",
                "-o",
                "s.xlsx",
            ],
        ] {
            let (code, _, err) = run_in(&d, &args);
            assert_eq!(code, Some(0), "{err}");
        }
        bytes.push((
            std::fs::read(d.join("m.xlsx")).unwrap(),
            std::fs::read(d.join("s.xlsx")).unwrap(),
        ));
    }
    assert!(bytes[0].0 == bytes[1].0, "model workbooks differ");
    assert!(bytes[0].1 == bytes[1].1, "sweep workbooks differ");
}

#[test]
fn init_writes_valid_toml_for_any_string() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let description = "two\nlines with \"quotes\", a back\\slash and a\ttab";
    write(
        d,
        "ml.toml",
        &format!(
            "extends = \"obc\"\ndescription = '''{description}'''\n[population]\nareas = [\"E54000008\"]\n"
        ),
    );
    let (code, _, err) = run_in(d, &["init", "new.toml", "--from", "ml.toml"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("new.toml:"), "{err}");
    let written = std::fs::read_to_string(d.join("new.toml")).unwrap();
    let (code, out, err) = run_in(d, &["model", "new.toml", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}\n{written}");
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["scenario"]["description"], description, "{written}");
}

#[cfg(unix)]
#[test]
fn a_run_removes_stale_temporaries_of_its_outputs_but_not_a_live_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The id of a process that has ended, and of one that is running (this test).
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = format!(".rows.csv.tmp{dead}");
    let live = format!(".rows.csv.tmp{}", std::process::id());
    write(d, &stale, "half a file");
    write(d, &live, "being written");
    write(d, ".other.csv.tmp1", "another output's");
    let (code, _, err) = run_in(
        d,
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            "rows.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(!d.join(&stale).exists());
    assert!(d.join(&live).exists());
    assert!(d.join(".other.csv.tmp1").exists());
}

#[test]
fn summarize_refuses_before_reading_rows_whose_values_cannot_fit_in_memory() {
    if std::fs::read_to_string("/proc/meminfo").is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run_in(
        d,
        &[
            "sweep",
            &shipped("grid.toml"),
            "--level",
            "region",
            "--rows",
            "r.csv",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    // A manifest that says the file holds 2^40 runs: their values could not be held.
    let path = d.join("r.manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["total_runs"] = (1u64 << 40).into();
    manifest["last_run"] = ((1u64 << 40) - 1).into();
    std::fs::write(&path, manifest.to_string()).unwrap();
    let (code, out, err) = run_in(d, &["summarize", "r.csv"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("r.csv: 1099511627776 runs x 8 areas x 6 outputs need 384.0 TiB of memory"),
        "{err}"
    );
}

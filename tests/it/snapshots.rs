//! Snapshots of what people read: the table, markdown and HTML report of two presets, as
//! files under tests/it/snapshots/ (reviewed with `cargo insta review`, or by reading the
//! diff): every number written out as the reader sees it, not produced by the tool's own
//! formatting helpers in the test.

use crate::common::capacity;

fn output(args: &[&str]) -> String {
    let out = capacity()
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_table_of_two_presets() {
    insta::assert_snapshot!(
        "obc_table_region",
        output(&["model", "obc", "--level", "region"])
    );
    insta::assert_snapshot!(
        "newham_table_region",
        output(&["model", "newham", "--level", "region"])
    );
}

#[test]
fn the_markdown_of_two_presets() {
    insta::assert_snapshot!(
        "obc_markdown_region",
        output(&["model", "obc", "--level", "region", "--format", "markdown"])
    );
    insta::assert_snapshot!(
        "newham_markdown_region",
        output(&["model", "newham", "--level", "region", "--format", "markdown"])
    );
}

#[test]
fn the_html_report_of_two_presets() {
    let d = tempfile::TempDir::new().unwrap();
    for preset in ["obc", "newham"] {
        let file = d.path().join(format!("{preset}.html"));
        capacity()
            .args(["report", preset, "--level", "region", "--output"])
            .arg(&file)
            .assert()
            .success();
        let html = std::fs::read_to_string(&file).unwrap();
        // The footer names the tool's version and the output path: the same for every
        // reader of one build, not part of what is compared.
        let html: String = html
            .lines()
            .filter(|l| !l.contains(env!("CARGO_PKG_VERSION")) && !l.contains(".html"))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(format!("{preset}_report_region"), html);
    }
}

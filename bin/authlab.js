#!/usr/bin/env node
// The published entry point: everything lives in the compiled CLI.
import { main } from '../dist/src/cli.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});

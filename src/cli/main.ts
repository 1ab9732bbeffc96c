#!/usr/bin/env node
import { runCli } from "./run-cli.js";

process.exitCode = await runCli(process.argv);
// A config module may hold connections the CLI cannot close (no `close` export): once the output is
// flushed, exit rather than wait on them.
setTimeout(() => process.stdout.write("", () => process.exit()), 100).unref();

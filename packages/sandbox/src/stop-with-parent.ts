/**
 * For a process a test runner starts and talks to over stdio: runs `stop` once when the parent
 * asks (SIGTERM, SIGINT) or goes away (stdin closes, or stdout can no longer be written: EPIPE),
 * then exits. The process never outlives the run that started it. Returns the same stop, for a
 * caller that finds out otherwise.
 */
export function stopWithParent(stop: () => Promise<void>): () => void {
  let stopping = false;
  const run = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void run());
  process.on("SIGINT", () => void run());
  process.stdin.on("end", () => void run());
  process.stdin.resume();
  process.stdout.on("error", () => void run());
  return () => void run();
}

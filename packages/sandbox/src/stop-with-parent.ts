/**
 * For a process a test runner starts and talks to over stdio: runs `stop` once when the parent
 * asks (SIGTERM, SIGINT) or goes away (stdin closes), then exits. The process never outlives the
 * run that started it.
 */
export function stopWithParent(stop: () => Promise<void>): void {
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
}

// The test run's one Postgres, as a process of its own (scripts/test.ts starts it): builds the
// cluster and its template database, prints one JSON line {"url": …}, and stops the cluster when
// stdin closes or on SIGTERM/SIGINT, so it never outlives the run that started it.
import { startTestCluster } from "./test-database.ts";

const cluster = await startTestCluster();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.stdin.on("end", () => void stop());
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: cluster.url })}\n`);

// The test run's one Postgres, as a process of its own (scripts/test.ts starts it): builds the
// cluster and its template database, prints one JSON line {"url": …}, and stops the cluster when
// stdin closes or on SIGTERM/SIGINT, so it never outlives the run that started it.
import { stopWithParent } from "../stop-with-parent.ts";
import { startTestCluster } from "./test-database.ts";

const cluster = await startTestCluster();
stopWithParent(() => cluster.stop());
process.stdout.write(`${JSON.stringify({ url: cluster.url })}\n`);

// The test run's one Postgres, as a process of its own (scripts/test.ts starts it): builds the
// cluster and its template database, prints one JSON line {"url": …}, and stops the cluster when
// stdin closes or on SIGTERM/SIGINT, so it never outlives the run that started it: also when the
// run ends while the cluster is still being built (a lint failure, Ctrl-C), the cluster is
// stopped as soon as it is up.
import { stopWithParent } from "../stop-with-parent.ts";
import { startTestCluster } from "./test-database.ts";

const starting = startTestCluster();
stopWithParent(async () => (await starting.catch(() => null))?.stop());
const cluster = await starting;
process.stdout.write(`${JSON.stringify({ url: cluster.url })}\n`);

// A port for a server the tests, the bench or `dev` start a little later (Postgres, wrangler dev).
// Asking the OS for port 0 gives an ephemeral port, from the range the kernel also hands to outgoing
// connections: seconds later (a build, a sandbox starting) a client socket may hold it, and the
// server's bind fails with EADDRINUSE (seen in fresh-ci: wrangler dev of the SPA). So the port is
// picked below that range, where no outgoing connection lands, at random, and probed free.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Linux's default ephemeral range starts at 32768; another start is read from the kernel. */
export function ephemeralStart(rangeFile = "/proc/sys/net/ipv4/ip_local_port_range"): number {
  try {
    const start = Number(readFileSync(rangeFile, "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : 32768;
  } catch {
    return 32768;
  }
}

const LOWEST = 10_000;
const given = new Set<number>();

/** Whether a server can listen on `port` on 127.0.0.1 right now (the probe closes at once). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The OS's pick (port 0): the fallback when no port below the ephemeral range is free. */
function osPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free port on 127.0.0.1 below the ephemeral range, never the same twice in this process; the
 * OS's pick if 50 random tries found none (or the range leaves no room below it).
 */
export async function freePort(random: () => number = Math.random): Promise<number> {
  const end = ephemeralStart();
  if (end - LOWEST >= 1_000) {
    for (let i = 0; i < 50; i++) {
      const port = LOWEST + Math.floor(random() * (end - LOWEST));
      if (given.has(port) || !(await canListen(port))) continue;
      given.add(port);
      return port;
    }
  }
  return osPort();
}

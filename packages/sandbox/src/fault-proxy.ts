// An HTTP proxy in front of a sandbox service that can be told to fail: tests and the chaos suite
// use it to take "the database" (the Supabase stand-in) or Stripe down without stopping shared
// processes. Control: POST /_fault {"down": true, "status": 503} | {"down": false} | {"failRate": 0.2}.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultState {
  /** Every request fails while true. */
  down: boolean;
  /** Share of requests (0..1) that fail at random while up. */
  failRate: number;
  /** Status of a failed request; 0 = drop the connection (a network error). */
  status: number;
}

export interface FaultProxy {
  url: string;
  state: FaultState;
  /** Requests answered with a fault so far. */
  faults(): number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export interface FaultProxyOptions {
  port?: number;
  random?: () => number;
  /** The body of an injected failure, in the proxied service's own error shape. */
  errorBody?: (status: number) => unknown;
}

/** Failure bodies as each service writes them, so SDKs raise their real error classes. */
export const FAULT_BODIES = {
  supabase: (status: number) => ({
    code: "fault_injected",
    message: `service unavailable (injected ${status})`,
    details: null,
    hint: null,
  }),
  stripe: (status: number) => ({ error: { type: "api_error", message: `Stripe is unavailable (injected ${status})` } }),
} as const;

export async function startFaultProxy(target: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const random = opts.random ?? Math.random;
  const state: FaultState = { down: false, failRate: 0, status: 503 };
  let faults = 0;

  const fail = (res: ServerResponse) => {
    faults++;
    if (state.status === 0) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(state.status, { "content-type": "application/json" });
    res.end(JSON.stringify((opts.errorBody ?? FAULT_BODIES.supabase)(state.status)));
  };

  const server = createServer(async (req, res) => {
    if (req.url === "/_fault") {
      if (req.method === "POST") {
        const body = JSON.parse((await readBody(req)).toString() || "{}") as Partial<FaultState>;
        if (typeof body.down === "boolean") state.down = body.down;
        if (typeof body.failRate === "number") state.failRate = Math.min(Math.max(body.failRate, 0), 1);
        if (typeof body.status === "number") state.status = body.status;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...state, faults }));
      return;
    }
    if (state.down || (state.failRate > 0 && random() < state.failRate)) {
      await readBody(req).catch(() => undefined);
      fail(res);
      return;
    }
    const headers = { ...req.headers, host: upstream.host };
    const proxied = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    proxied.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "bad_gateway", message: "upstream unreachable", details: null, hint: null }));
    });
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults: () => faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

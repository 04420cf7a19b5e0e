import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { Env, Hono } from "hono";
import { SandboxStartError } from "../postgres/start-postgres.ts";

export interface Listening {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, closes every open connection (keep-alive ones too) and resolves once closed. */
  close(): Promise<void>;
}

/**
 * Serves a Hono app on 127.0.0.1 with @hono/node-server (`port` 0 picks a free one). A port in use
 * is a SandboxStartError that says what to do. `what` names the service in that message.
 */
export async function listen<E extends Env>(app: Hono<E>, port: number, what: string): Promise<Listening> {
  // createAdaptorServer with no serverOptions makes a node:http Server.
  const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
  server.keepAliveTimeout = 65_000;
  const bound = await new Promise<number>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new SandboxStartError(
          err.code === "EADDRINUSE"
            ? `port ${port} (${what}) is already in use on 127.0.0.1: stop whatever holds it and try again`
            : `cannot bind 127.0.0.1:${port} for the ${what}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
  return {
    server,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

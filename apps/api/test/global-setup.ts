// The sandbox (real Postgres, Supabase and Stripe stand-ins) runs in a child Node process: this
// file is bundled for the workers pool, where Node-only packages (pg, ws) do not resolve.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const child = spawn(process.execPath, [new URL("./sandbox-process.ts", import.meta.url).pathname], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const values = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the test sandbox did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`the test sandbox exited early (${code})`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, string>);
    });
  });
  for (const [key, value] of Object.entries(values)) project.provide(key as "supabaseUrl", value);
  return async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
}

import { execFile } from "node:child_process";
import { join } from "node:path";

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of these scripts in a child Node with only PATH and `env` set, and collects what it
 * printed. Asynchronous on purpose: a sandbox running in the calling process keeps answering.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(import.meta.dirname, script), ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        // A non-zero exit is an answer (its status); killed by the timeout or a signal: status null.
        if (error && typeof error.code !== "number" && !error.killed && !error.signal) reject(error);
        else resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

import type { EnvProblem } from "@/config/env.ts";

/** Shown instead of the app when a VITE_* variable is missing or malformed: names each one. */
export function EnvError({ problems }: { problems: EnvProblem[] }) {
  return (
    <main className="container" style={{ paddingBlock: "4rem", maxWidth: "44rem" }}>
      <div
        role="alert"
        data-testid="env-error"
        style={{
          background: "var(--color-danger-soft)",
          color: "var(--color-danger)",
          border: "1px solid #f7b9b3",
          borderRadius: "var(--radius-lg)",
          padding: "var(--space-6)",
          display: "grid",
          gap: "var(--space-3)",
        }}
      >
        <h1 style={{ fontSize: "var(--text-xl)" }}>Gatehouse is not configured</h1>
        <p>These environment variables need a value before the app can start:</p>
        <ul>
          {problems.map((problem) => (
            <li key={problem.name}>
              <code>{problem.name}</code> {problem.reason}
            </li>
          ))}
        </ul>
        <p>
          Copy <code>apps/web/.env.example</code> to <code>apps/web/.env.local</code> (the root <code>dev</code> command
          writes it for you), then restart Vite.
        </p>
      </div>
    </main>
  );
}

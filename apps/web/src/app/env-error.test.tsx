import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/config/env.ts";
import { EnvError } from "./env-error.tsx";

describe("EnvError", () => {
  it("names the missing variable on screen", () => {
    const result = parseEnv({ VITE_SUPABASE_URL: "http://127.0.0.1:54321", VITE_API_URL: "http://127.0.0.1:8787" });
    if (result.ok) throw new Error("expected a failure");
    render(<EnvError problems={result.problems} />);
    expect(screen.getByRole("alert").textContent).toContain("VITE_SUPABASE_PUBLISHABLE_KEY is missing");
  });
});

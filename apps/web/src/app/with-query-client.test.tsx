import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { queryClient } from "@/lib/query-client.ts";
import { withQueryClient } from "./with-query-client.tsx";

describe("withQueryClient", () => {
  it("renders the page inside the app's one QueryClient", async () => {
    const seen: QueryClient[] = [];
    function Page() {
      seen.push(useQueryClient());
      return <p>the page</p>;
    }
    const { default: Wrapped } = await withQueryClient(async () => ({ default: Page }))();
    render(<Wrapped />);
    expect(screen.getByText("the page")).toBeTruthy();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((client) => client === queryClient)).toBe(true);
  });

  it("gives the same component on every load, so a preload then React.lazy never remounts the page", async () => {
    const load = withQueryClient(async () => ({ default: () => <p>the page</p> }));
    const first = await load();
    const second = await load();
    expect(second.default).toBe(first.default);
  });
});

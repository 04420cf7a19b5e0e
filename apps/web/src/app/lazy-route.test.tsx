import { act, render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { describe, expect, it } from "vitest";
import { lazyRoute } from "./lazy-route.tsx";

function Page() {
  return <p>the page</p>;
}

/** Counts the fallbacks React committed. */
function Fallback({ shown }: { shown: string[] }) {
  shown.push("fallback");
  return <p>loading</p>;
}

describe("lazyRoute", () => {
  it("renders a page whose chunk is here at once, without a fallback first", async () => {
    const route = lazyRoute(async () => ({ default: Page }));
    await route.preload();
    const shown: string[] = [];
    render(
      <Suspense fallback={<Fallback shown={shown} />}>
        <route.Route />
      </Suspense>,
    );
    expect(screen.getByText("the page")).toBeTruthy();
    expect(shown).toEqual([]);
  });

  it("suspends on a page whose chunk is not here yet, then renders it", async () => {
    let resolve: (module: { default: typeof Page }) => void = () => undefined;
    const route = lazyRoute(() => new Promise((r) => (resolve = r)));
    const shown: string[] = [];
    render(
      <Suspense fallback={<Fallback shown={shown} />}>
        <route.Route />
      </Suspense>,
    );
    expect(screen.getByText("loading")).toBeTruthy();
    await act(async () => resolve({ default: Page }));
    expect(await screen.findByText("the page")).toBeTruthy();
    expect(shown.length).toBeGreaterThan(0);
  });
});

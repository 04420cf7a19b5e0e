import { describe, expect, it, vi } from "vitest";
import {
  afterFirstPaint,
  browserPaintWatch,
  ENTRY_START_AT_LATEST_MS,
  ENTRY_TEMPLATE_ID,
  startEntry,
} from "./entry-after-paint.ts";

/** A browser whose paint, frames, tasks and visibility happen when the test says. */
function manualWatch(reportsPaints = true) {
  const paints: Array<() => void> = [];
  const hidden: Array<() => void> = [];
  const frames: Array<() => void> = [];
  const tasks: Array<{ callback: () => void; ms: number }> = [];
  const run = (list: Array<() => void>) => {
    for (const cb of list.splice(0)) cb();
  };
  return {
    watch: {
      onFirstContentfulPaint: (cb: () => void) => {
        if (reportsPaints) paints.push(cb);
        return reportsPaints;
      },
      onHidden: (cb: () => void) => hidden.push(cb),
      requestAnimationFrame: (cb: () => void) => frames.push(cb),
      setTimeout: (callback: () => void, ms: number) => tasks.push({ callback, ms }),
    },
    paint: () => run(paints),
    hide: () => run(hidden),
    frame: () => run(frames),
    /** Runs the timers due within `ms`. */
    tasks: (ms = 0) => {
      for (const t of tasks.filter((t) => t.ms <= ms)) {
        tasks.splice(tasks.indexOf(t), 1);
        t.callback();
      }
    },
  };
}

describe("the entry after the first paint", () => {
  it("creates the template's script and modulepreloads as live elements in <head>, with their attributes", () => {
    // A parsed document of its own (scripting off: happy-dom does not try to load the script).
    const document = new DOMParser().parseFromString(
      `<head><template id="${ENTRY_TEMPLATE_ID}"><script type="module" crossorigin src="/assets/index-a.js"></script>` +
        '<link rel="modulepreload" crossorigin href="/assets/react-b.js"></template></head>',
      "text/html",
    );
    const template = document.getElementById(ENTRY_TEMPLATE_ID);
    // Inert while in the template: nothing in the document to load.
    expect(document.head.querySelector("script, link")).toBeNull();
    expect(startEntry(document)).toBe(true);
    expect(document.getElementById(ENTRY_TEMPLATE_ID)).toBeNull();
    const script = document.head.querySelector("script");
    expect(script).not.toBeNull();
    expect(script).not.toBe((template as HTMLTemplateElement).content.querySelector("script"));
    expect(script?.getAttribute("type")).toBe("module");
    expect(script?.getAttribute("src")).toBe("/assets/index-a.js");
    expect(script?.hasAttribute("crossorigin")).toBe(true);
    const link = document.head.querySelector("link");
    expect(link?.getAttribute("rel")).toBe("modulepreload");
    expect(link?.getAttribute("href")).toBe("/assets/react-b.js");
    expect(link?.hasAttribute("crossorigin")).toBe(true);
  });

  it("leaves a page without the template alone (the success page's entry is in its HTML)", () => {
    document.head.innerHTML = '<script type="text/plain" src="/x.js"></script>';
    expect(startEntry(document)).toBe(false);
    expect(document.head.querySelectorAll("script")).toHaveLength(1);
    document.head.innerHTML = "";
  });

  it("starts once the browser reports the first contentful paint, not at the frame before it, and only once", () => {
    const b = manualWatch();
    const start = vi.fn();
    afterFirstPaint(start, b.watch);
    b.frame();
    b.tasks();
    expect(start).not.toHaveBeenCalled();
    b.paint();
    expect(start).toHaveBeenCalledTimes(1);
    b.hide();
    b.tasks(ENTRY_START_AT_LATEST_MS);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("where paints are not reported, starts in the task after the next frame", () => {
    const b = manualWatch(false);
    const start = vi.fn();
    afterFirstPaint(start, b.watch);
    b.tasks();
    expect(start).not.toHaveBeenCalled();
    b.frame();
    expect(start).not.toHaveBeenCalled();
    b.tasks();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("starts when the page is hidden (no paint comes), or at the latest after a while", () => {
    const hidden = manualWatch();
    const start = vi.fn();
    afterFirstPaint(start, hidden.watch);
    hidden.hide();
    expect(start).toHaveBeenCalledTimes(1);
    const late = manualWatch();
    const lateStart = vi.fn();
    afterFirstPaint(lateStart, late.watch);
    late.tasks(ENTRY_START_AT_LATEST_MS - 1);
    expect(lateStart).not.toHaveBeenCalled();
    late.tasks(ENTRY_START_AT_LATEST_MS);
    expect(lateStart).toHaveBeenCalledTimes(1);
  });

  it("starts at once when asked (nothing to paint first), and not again after the paint", () => {
    const b = manualWatch();
    const start = vi.fn();
    const now = afterFirstPaint(start, b.watch);
    now();
    expect(start).toHaveBeenCalledTimes(1);
    now();
    b.paint();
    b.tasks(ENTRY_START_AT_LATEST_MS);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("watches the browser's paint timing and visibility", () => {
    const watch = browserPaintWatch(window);
    const onHidden = vi.fn();
    watch.onHidden(onHidden);
    const visibility = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    document.dispatchEvent(new Event("visibilitychange"));
    expect(onHidden).toHaveBeenCalledTimes(1);
    visibility.mockRestore();
    // happy-dom reports no paints: the caller falls back to frames.
    expect(typeof watch.onFirstContentfulPaint(() => undefined)).toBe("boolean");
  });
});

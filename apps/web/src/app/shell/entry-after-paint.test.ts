import { describe, expect, it, vi } from "vitest";
import { afterFirstFrame, ENTRY_TEMPLATE_ID, startEntry } from "./entry-after-paint.ts";

/** A clock whose frames and tasks run when the test says. */
function manualClock() {
  const frames: Array<() => void> = [];
  const tasks: Array<() => void> = [];
  return {
    clock: {
      requestAnimationFrame: (cb: () => void) => frames.push(cb),
      setTimeout: (cb: () => void) => tasks.push(cb),
    },
    frame: () => {
      for (const cb of frames.splice(0)) cb();
    },
    task: () => {
      for (const cb of tasks.splice(0)) cb();
    },
  };
}

describe("the entry after the first frame", () => {
  it("creates the template's script and modulepreloads as live elements in <head>, with their attributes", () => {
    // A document of its own (no browsing context): happy-dom does not try to load the script.
    const document = window.document.implementation.createHTMLDocument("");
    document.head.innerHTML =
      `<template id="${ENTRY_TEMPLATE_ID}"><script type="module" crossorigin src="/assets/index-a.js"></script>` +
      '<link rel="modulepreload" crossorigin href="/assets/react-b.js"></template>';
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

  it("starts in the task after the next frame, not before, and only once", () => {
    const { clock, frame, task } = manualClock();
    const start = vi.fn();
    afterFirstFrame(start, clock);
    task();
    expect(start).not.toHaveBeenCalled();
    frame();
    expect(start).not.toHaveBeenCalled();
    task();
    expect(start).toHaveBeenCalledTimes(1);
    frame();
    task();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("starts at once when asked (nothing to paint first, or a hidden tab), and not again after the frame", () => {
    const { clock, frame, task } = manualClock();
    const start = vi.fn();
    const now = afterFirstFrame(start, clock);
    now();
    expect(start).toHaveBeenCalledTimes(1);
    now();
    frame();
    task();
    expect(start).toHaveBeenCalledTimes(1);
  });
});

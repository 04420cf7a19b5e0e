/**
 * Names the moments of the success page's boot in the browser's own performance timeline
 * (performance.mark), so the bench can say where the time goes. A mark costs nothing and sends
 * nothing anywhere.
 */
export type TimingMark =
  | "gh:boot"
  | "gh:session-ready"
  | "gh:sync-answered"
  | "gh:content-answered"
  | "gh:content-rendered";

export function timingMark(name: TimingMark): void {
  if (typeof performance !== "undefined" && typeof performance.mark === "function") performance.mark(name);
}

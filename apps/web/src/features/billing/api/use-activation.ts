import type { ApiErrorCode } from "@gatehouse/types";
import { useCallback, useEffect, useRef, useState } from "react";
import { isApiError } from "@/lib/api-error.ts";
import type { ActivationSources, EntitlementSnapshot } from "./activation-sources.ts";

export type ActivationPhase = "activating" | "active" | "not_paid" | "failed";
export type ActivationSource = "sync" | "realtime" | "poll";

export interface ActivationState {
  phase: ActivationPhase;
  /** Past `slowAfterMs` without an answer: say so and offer a retry. */
  slow: boolean;
  /** Which source said "active" first. */
  source: ActivationSource | null;
  /** The error that ended the attempt (phase "failed"), or the last sync error while still waiting. */
  error: unknown;
}

export interface ActivationOptions {
  pollIntervalMs?: number;
  /**
   * When the first poll is made (default 500 ms: the sync, the answer about this checkout, goes
   * first; a subscriber's row is active before it). 0 for a page without the sync.
   */
  firstPollMs?: number;
  /** Polling stops after this many reads (Realtime keeps listening). */
  maxPolls?: number;
  slowAfterMs?: number;
  /** Called once when access is granted. */
  onActive?: (source: ActivationSource) => void;
}

const INITIAL: ActivationState = { phase: "activating", slow: false, source: null, error: null };

/**
 * API error codes no amount of waiting will fix. (An unpaid checkout is not an error: the sync
 * answers 200 with an inactive entitlement.)
 */
export const FATAL_CODES: ReadonlySet<string> = new Set([
  "session_not_yours",
  "session_not_found",
  "unauthenticated",
] satisfies ApiErrorCode[]);

/**
 * Unlocks as soon as any source reports an active entitlement: the API sync, a Realtime push or
 * a poll. A sync that answers "not active" means the checkout was not paid; the other sources keep
 * listening in case that changes. `retry()` starts everything again.
 */
export function useActivation(sources: ActivationSources | null, options: ActivationOptions = {}) {
  const { pollIntervalMs = 1500, firstPollMs = 500, maxPolls = 40, slowAfterMs = 15_000, onActive } = options;
  const [state, setState] = useState<ActivationState>(INITIAL);
  const [attempt, setAttempt] = useState(0);
  const onActiveRef = useRef(onActive);
  useEffect(() => {
    onActiveRef.current = onActive;
  }, [onActive]);

  const retry = useCallback(() => {
    setState(INITIAL);
    setAttempt((value) => value + 1);
  }, []);

  useEffect(() => {
    if (!sources) return;
    let done = false;
    const controller = new AbortController();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void, ms: number) => {
      const id = setTimeout(() => {
        timers.delete(id);
        fn();
      }, ms);
      timers.add(id);
    };

    const finish = (source: ActivationSource) => {
      if (done) return;
      done = true;
      setState({ phase: "active", slow: false, source, error: null });
      stop();
      onActiveRef.current?.(source);
    };
    const consider = (source: ActivationSource, snapshot: EntitlementSnapshot | null) => {
      if (snapshot?.active) finish(source);
    };

    let unsubscribe: () => void = () => {};
    const stop = () => {
      controller.abort();
      for (const id of timers) clearTimeout(id);
      timers.clear();
      unsubscribe();
    };

    unsubscribe = sources.subscribe((snapshot) => consider("realtime", snapshot));

    sources
      .sync(controller.signal)
      .then((snapshot) => {
        if (done || snapshot === null) return;
        if (snapshot.active) return finish("sync");
        setState((s) => (s.phase === "activating" ? { ...s, phase: "not_paid" } : s));
      })
      .catch((error: unknown) => {
        if (done || controller.signal.aborted) return;
        if (isApiError(error) && FATAL_CODES.has(error.code)) {
          done = true;
          stop();
          setState({ phase: "failed", slow: false, source: null, error });
        } else {
          setState((s) => ({ ...s, error }));
        }
      });

    let polls = 0;
    const pollOnce = () => {
      if (done) return;
      polls += 1;
      sources
        .poll()
        .then((snapshot) => consider("poll", snapshot))
        .catch(() => {})
        .finally(() => {
          if (!done && polls < maxPolls) later(pollOnce, pollIntervalMs);
        });
    };
    if (firstPollMs <= 0) pollOnce();
    else later(pollOnce, Math.min(pollIntervalMs, firstPollMs));
    later(() => {
      if (!done) setState((s) => ({ ...s, slow: true }));
    }, slowAfterMs);

    return () => {
      done = true;
      stop();
    };
  }, [sources, attempt, pollIntervalMs, firstPollMs, maxPolls, slowAfterMs]);

  return { ...state, retry };
}

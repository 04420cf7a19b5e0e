import { type ComponentType, lazy } from "react";

/**
 * A page loaded on demand that renders at once when its chunk is already here. React.lazy always
 * suspends on its first render, and content revealed after a Suspense fallback is committed no
 * sooner than 300 ms after that fallback (React's FALLBACK_THROTTLE_MS): on a direct load of the
 * success page that held the unlocked content back that long. `preload` loads the chunk (the
 * first render waits for it on that page); `Route` renders the page, through React.lazy only while
 * the chunk is not here yet.
 */
export function lazyRoute(load: () => Promise<{ default: ComponentType }>) {
  let loaded: ComponentType | null = null;
  const preload = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(preload);
  function Route() {
    const Loaded = loaded;
    return Loaded ? <Loaded /> : <Lazy />;
  }
  return { preload, Route };
}

import { Suspense, useEffect, useRef } from "react";
import { Outlet, useLocation } from "react-router";
import { useI18n } from "@/features/i18n/index.ts";
import { Header } from "./header.tsx";
import styles from "./layout.module.css";
import { PageFallback } from "./page-fallback.tsx";
import { RouteErrorBoundary } from "./route-error.tsx";

/** Scrolls to `#hash` targets (e.g. /#pricing) and to the top on other navigations. */
function useScrollOnNavigate() {
  const { pathname, hash } = useLocation();
  const hashRef = useRef(hash);
  hashRef.current = hash;
  useEffect(() => {
    if (!hash) return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: "start" });
  }, [hash]);
  const first = useRef(true);
  useEffect(() => {
    if (!hashRef.current) window.scrollTo({ top: 0 });
    // After an in-app navigation, move focus to the new page so screen readers start there.
    if (first.current) first.current = false;
    else document.getElementById("main")?.focus({ preventScroll: true });
  }, [pathname]);
}

export function AppLayout() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  useScrollOnNavigate();
  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        {t("app.skip")}
      </a>
      <Header />
      <main id="main" className={styles.main} tabIndex={-1}>
        <RouteErrorBoundary resetKey={pathname}>
          <Suspense fallback={<PageFallback />}>
            <Outlet />
          </Suspense>
        </RouteErrorBoundary>
      </main>
      <footer className={styles.footer}>
        <div className="container">
          <p>{t("app.footer")}</p>
        </div>
      </footer>
    </div>
  );
}

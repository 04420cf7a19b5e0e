import { lazy } from "react";
import { Route, Routes } from "react-router";
import { withPageMessages } from "@/features/i18n/dictionaries.ts";
import { AppLayout } from "./layout/app-layout.tsx";
import { lazyRoute } from "./lazy-route.tsx";
import { LandingRoute, landingPricing } from "./routes/landing.tsx";
import { withQueryClient } from "./with-query-client.tsx";

// The landing page's hero is in the entry chunk, its pricing a chunk of its own (routes/landing.tsx);
// every other page loads on demand, with the English texts of the pages (withPageMessages), so that
// no page renders before its texts are here, and with the app's QueryClient (withQueryClient).
// Declarative routing: the data router would add ~18 KB gzip to the landing page for features we do not use.
const loaders = {
  "/sign-in": withQueryClient(withPageMessages(() => import("./routes/sign-in.tsx"))),
  "/auth/callback": withQueryClient(withPageMessages(() => import("./routes/auth-callback.tsx"))),
  "/billing/success": withQueryClient(withPageMessages(() => import("./routes/billing-success.tsx"))),
  "/library": withQueryClient(withPageMessages(() => import("./routes/library.tsx"))),
  "/account": withQueryClient(withPageMessages(() => import("./routes/account.tsx"))),
  "/admin": withQueryClient(withPageMessages(() => import("./routes/admin.tsx"))),
} as const;

type LazyPath = keyof typeof loaders;

const routes = Object.fromEntries(Object.entries(loaders).map(([path, load]) => [path, lazyRoute(load)])) as Record<
  LazyPath,
  ReturnType<typeof lazyRoute>
>;

const SignInRoute = routes["/sign-in"].Route;
const AuthCallbackRoute = routes["/auth/callback"].Route;
const BillingSuccessRoute = routes["/billing/success"].Route;
const LibraryRoute = routes["/library"].Route;
const AccountRoute = routes["/account"].Route;
const AdminRoute = routes["/admin"].Route;
const NotFoundRoute = lazy(withPageMessages(() => import("./routes/not-found.tsx")));

function isLazyPath(path: string): path is LazyPath {
  return Object.hasOwn(loaders, path);
}

/**
 * Starts loading the page's chunk before React renders (a direct visit to /billing/success, say;
 * the landing's pricing); resolves once it is here (at once for a page in the entry), never
 * rejects: a chunk that failed is loaded again, and reported, by the page's own render.
 */
export function preloadRoute(pathname: string): Promise<void> {
  const path = pathname.replace(/\/+$/, "");
  const route = isLazyPath(path) ? routes[path] : path === "" ? landingPricing : null;
  return route
    ? route.preload().then(
        () => undefined,
        () => undefined,
      )
    : Promise.resolve();
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<LandingRoute />} />
        <Route path="sign-in" element={<SignInRoute />} />
        <Route path="auth/callback" element={<AuthCallbackRoute />} />
        <Route path="billing/success" element={<BillingSuccessRoute />} />
        <Route path="library" element={<LibraryRoute />} />
        <Route path="account" element={<AccountRoute />} />
        <Route path="admin/*" element={<AdminRoute />} />
        <Route path="*" element={<NotFoundRoute />} />
      </Route>
    </Routes>
  );
}

import { lazy } from "react";
import { Route, Routes } from "react-router";
import { withPageMessages } from "@/features/i18n/dictionaries.ts";
import { AppLayout } from "./layout/app-layout.tsx";
import { LandingRoute } from "./routes/landing.tsx";

// The landing page (hero + pricing) is in the entry chunk; every other page loads on demand, with the
// English texts of the pages (withPageMessages), so that no page renders before its texts are here.
// Declarative routing: the data router would add ~18 KB gzip to the landing page for features we do not use.
const loaders = {
  "/sign-in": withPageMessages(() => import("./routes/sign-in.tsx")),
  "/auth/callback": withPageMessages(() => import("./routes/auth-callback.tsx")),
  "/billing/success": withPageMessages(() => import("./routes/billing-success.tsx")),
  "/library": withPageMessages(() => import("./routes/library.tsx")),
  "/account": withPageMessages(() => import("./routes/account.tsx")),
  "/admin": withPageMessages(() => import("./routes/admin.tsx")),
} as const;

const SignInRoute = lazy(loaders["/sign-in"]);
const AuthCallbackRoute = lazy(loaders["/auth/callback"]);
const BillingSuccessRoute = lazy(loaders["/billing/success"]);
const LibraryRoute = lazy(loaders["/library"]);
const AccountRoute = lazy(loaders["/account"]);
const AdminRoute = lazy(loaders["/admin"]);
const NotFoundRoute = lazy(withPageMessages(() => import("./routes/not-found.tsx")));

function isLazyPath(path: string): path is keyof typeof loaders {
  return Object.hasOwn(loaders, path);
}

/** Starts loading the page's chunk before React renders (a direct visit to /billing/success, say). */
export function preloadRoute(pathname: string): void {
  const path = pathname.replace(/\/+$/, "");
  if (isLazyPath(path)) void loaders[path]();
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

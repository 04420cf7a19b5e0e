import { lazy } from "react";
import { Route, Routes } from "react-router";
import { AppLayout } from "./layout/app-layout.tsx";
import { LandingRoute } from "./routes/landing.tsx";

// The landing page (hero + pricing) is in the entry chunk; every other page loads on demand.
// Declarative routing: the data router would add ~18 KB gzip to the landing page for features we do not use.
const SignInRoute = lazy(() => import("./routes/sign-in.tsx"));
const AuthCallbackRoute = lazy(() => import("./routes/auth-callback.tsx"));
const BillingSuccessRoute = lazy(() => import("./routes/billing-success.tsx"));
const LibraryRoute = lazy(() => import("./routes/library.tsx"));
const AccountRoute = lazy(() => import("./routes/account.tsx"));
const NotFoundRoute = lazy(() => import("./routes/not-found.tsx"));

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
        <Route path="*" element={<NotFoundRoute />} />
      </Route>
    </Routes>
  );
}

import { Component, type ReactNode } from "react";
import { NavLink, Route, Routes, useParams } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import styles from "@/features/admin/components/admin.module.css";
import { CustomerDetail } from "@/features/admin/components/customer-detail.tsx";
import { CustomersList } from "@/features/admin/components/customers-list.tsx";
import { OverviewPanel } from "@/features/admin/components/overview-panel.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { SignInRequired } from "@/features/auth/components/sign-in-required.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { ApiError } from "@/lib/api-error.ts";
import { Page } from "../layout/page.tsx";

/** Shows 403 as "not an admin", anything else as a load error, instead of the route error page. */
class AdminErrors extends Component<
  { children: ReactNode; forbidden: ReactNode; failed: ReactNode },
  { error: unknown }
> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return error instanceof ApiError && error.status === 403 ? this.props.forbidden : this.props.failed;
  }
}

function CustomerRoute({ accessToken }: { accessToken: string }) {
  const { userId = "" } = useParams();
  return <CustomerDetail key={userId} accessToken={accessToken} userId={userId} />;
}

export default function AdminRoute() {
  const { t } = useI18n();
  usePageTitle(t("admin.title"));
  const session = useSession();
  if (session.status === "loading") return <Page title={t("admin.title")}>{t("app.loading")}</Page>;
  if (session.status !== "signed_in") {
    return (
      <Page title={t("admin.title")}>
        <SignInRequired title={t("admin.signIn")} next="/admin" />
      </Page>
    );
  }
  const accessToken = session.session.access_token;
  const forbidden = <Alert tone="warning" title={t("admin.forbidden")} testId="admin-forbidden" />;
  if (session.session.user.app_metadata?.role !== "admin") {
    return <Page title={t("admin.title")}>{forbidden}</Page>;
  }
  const tabClass = ({ isActive }: { isActive: boolean }) => `${styles.tab} ${isActive ? "active" : ""}`;
  return (
    <Page title={t("admin.title")}>
      <nav aria-label={t("admin.nav")} className={styles.tabs}>
        <NavLink end to="/admin" className={tabClass}>
          {t("admin.tab.overview")}
        </NavLink>
        <NavLink to="/admin/customers" className={tabClass}>
          {t("admin.tab.customers")}
        </NavLink>
      </nav>
      <AdminErrors
        key={session.session.user.id}
        forbidden={forbidden}
        failed={<Alert tone="danger" title={t("admin.loadError")} />}
      >
        <Routes>
          <Route index element={<OverviewPanel accessToken={accessToken} />} />
          <Route path="customers" element={<CustomersList accessToken={accessToken} />} />
          <Route path="customers/:userId" element={<CustomerRoute accessToken={accessToken} />} />
        </Routes>
      </AdminErrors>
    </Page>
  );
}

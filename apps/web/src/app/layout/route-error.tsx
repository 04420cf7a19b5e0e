import { Component, type ErrorInfo, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { Page } from "./page.tsx";

/** Last-resort error screen for a render or chunk-load failure. */
function RouteErrorView() {
  const { t } = useI18n();
  return (
    <Page width="narrow">
      <Alert
        tone="danger"
        title={t("app.errorTitle")}
        actions={<Button onClick={() => window.location.reload()}>{t("app.reload")}</Button>}
      >
        {t("app.errorBody")}
      </Alert>
    </Page>
  );
}

interface BoundaryProps {
  children: ReactNode;
  /** Changing it (the location) clears the error, so navigating away recovers. */
  resetKey: string;
}

export class RouteErrorBoundary extends Component<BoundaryProps, { error: unknown; key: string }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: { error: unknown; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    if (import.meta.env.DEV) console.error(error, info.componentStack);
  }

  override render() {
    return this.state.error ? <RouteErrorView /> : this.props.children;
  }
}

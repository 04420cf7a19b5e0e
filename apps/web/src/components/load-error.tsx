import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";

interface LoadErrorProps {
  /** What could not be loaded, in the reader's language. */
  title: ReactNode;
  /** The failed read (a TanStack query): Retry refetches it. */
  query: { refetch: () => unknown; isFetching: boolean };
  testId?: string;
}

/** A read that failed: what, and a Retry button. */
export function LoadError({ title, query, testId }: LoadErrorProps) {
  const { t } = useI18n();
  return (
    <Alert
      tone="danger"
      title={title}
      {...(testId ? { testId } : {})}
      actions={
        <Button size="sm" variant="secondary" onClick={() => query.refetch()} loading={query.isFetching}>
          {t("app.retry")}
        </Button>
      }
    />
  );
}

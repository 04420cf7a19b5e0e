import { Alert } from "@/components/ui/alert.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { apiErrorMessageKey, apiErrorReference } from "@/lib/api-error-message.ts";

/** An API call that failed: its message, and the request id to quote when the user cannot fix it. */
export function ApiErrorAlert({ error, testId }: { error: unknown; testId: string }) {
  const { t } = useI18n();
  const reference = apiErrorReference(error);
  return (
    <Alert tone="danger" title={t(apiErrorMessageKey(error))} testId={testId}>
      {reference ? t("api.error.reference", { requestId: reference }) : null}
    </Alert>
  );
}

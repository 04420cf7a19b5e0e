import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { queryKeys } from "@/lib/query-keys.ts";
import { saveEmailPreferences, useEmailPreferences } from "../api/email-preferences.ts";
import styles from "./account.module.css";

interface Props {
  userId: string;
  accessToken: string;
  /** Injected in tests. */
  save?: typeof saveEmailPreferences;
}

/** Lifecycle emails on or off; receipts and payment problems are always sent. */
export function EmailPreferencesSection({ userId, accessToken, save = saveEmailPreferences }: Props) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const prefs = useEmailPreferences(userId);
  const mutation = useMutation({
    mutationFn: (lifecycleEmails: boolean) => save({ lifecycleEmails, locale, accessToken }),
    onSuccess: (answer) => queryClient.setQueryData(queryKeys.emailPreferences(userId), answer),
  });
  const checked = mutation.isPending ? mutation.variables : (prefs.data?.lifecycleEmails ?? true);
  return (
    <section className={styles.card} aria-labelledby="account-emails" data-testid="account-emails">
      <h2 id="account-emails" className={styles.sectionTitle}>
        {t("account.emails.title")}
      </h2>
      <label>
        <input
          type="checkbox"
          checked={checked}
          disabled={prefs.isPending || mutation.isPending}
          onChange={(e) => mutation.mutate(e.currentTarget.checked)}
          data-testid="lifecycle-emails"
        />{" "}
        {t("account.emails.lifecycle")}
      </label>
      <p>{t("account.emails.essential")}</p>
      {mutation.isError ? <Alert tone="danger">{t("account.emails.error")}</Alert> : null}
    </section>
  );
}

import { Link } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";

/** What a signed-out visitor sees on a page for signed-in people: why, and a way to sign in and come back. */
export function SignInRequired({ title, next }: { title: string; next: string }) {
  const { t } = useI18n();
  return (
    <Alert
      tone="info"
      title={title}
      actions={
        <Link to={`/sign-in?next=${encodeURIComponent(next)}`} className={buttonClassName({ size: "sm" })}>
          {t("nav.signIn")}
        </Link>
      }
    />
  );
}

import { Link } from "react-router";
import { buttonClassName } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { usePageTitle } from "@/hooks/use-page-title.ts";
import { Page } from "../layout/page.tsx";

export default function NotFoundRoute() {
  const { t } = useI18n();
  usePageTitle(t("app.notFoundTitle"));
  return (
    <Page width="narrow" title={t("app.notFoundTitle")} subtitle={t("app.notFoundBody")}>
      <div>
        <Link to="/" className={buttonClassName()}>
          {t("app.goHome")}
        </Link>
      </div>
    </Page>
  );
}

import { Link, NavLink, useLocation } from "react-router";
import { Button, buttonClassName } from "@/components/ui/button.tsx";
import { useSession } from "@/features/auth/api/use-session.ts";
import { useSignOut } from "@/features/auth/api/use-sign-out.ts";
import { LanguageSwitch, useI18n } from "@/features/i18n/index.ts";
import styles from "./layout.module.css";

function BrandMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className={styles.brandMark}>
      <rect width="32" height="32" rx="9" fill="var(--color-accent)" />
      <path d="M10 22V14a6 6 0 0 1 12 0v8" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
      <path d="M8 22h16" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
    </svg>
  );
}

export function Header() {
  const { t } = useI18n();
  const session = useSession();
  // Only shows the link: the console itself asks the API, which checks the role again.
  const isAdmin = session.status === "signed_in" && session.session.user.app_metadata?.role === "admin";
  const location = useLocation();
  const { signingOut, onSignOut } = useSignOut();
  const here = `${location.pathname}${location.search}`;
  const signInHref = location.pathname === "/sign-in" ? here : `/sign-in?next=${encodeURIComponent(here)}`;
  const navClass = ({ isActive }: { isActive: boolean }) => `${styles.navLink} ${isActive ? styles.navActive : ""}`;

  return (
    <header className={styles.header}>
      <div className={`container ${styles.headerInner}`}>
        <Link to="/" className={styles.brand}>
          <BrandMark />
          <span className={styles.brandName}>{t("app.brand")}</span>
        </Link>
        <nav aria-label={t("nav.label")} className={styles.nav}>
          <ul className={styles.navList}>
            <li>
              <Link
                to="/#pricing"
                className={`${styles.navLink} ${location.pathname === "/" && location.hash === "#pricing" ? styles.navActive : ""}`}
              >
                {t("nav.pricing")}
              </Link>
            </li>
            <li>
              <NavLink to="/library" className={navClass}>
                {t("nav.library")}
              </NavLink>
            </li>
            <li>
              <NavLink to="/account" className={navClass}>
                {t("nav.account")}
              </NavLink>
            </li>
            {isAdmin ? (
              <li>
                <NavLink to="/admin" className={navClass}>
                  {t("nav.admin")}
                </NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className={styles.language}>
          <LanguageSwitch />
        </div>
        <div className={styles.actions}>
          {session.status === "signed_in" ? (
            <Button variant="ghost" size="sm" onClick={onSignOut} loading={signingOut}>
              {t("nav.signOut")}
            </Button>
          ) : session.status === "signed_out" ? (
            <Link to={signInHref} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              {t("nav.signIn")}
            </Link>
          ) : (
            <span className={styles.authPlaceholder} aria-hidden="true" />
          )}
        </div>
      </div>
    </header>
  );
}

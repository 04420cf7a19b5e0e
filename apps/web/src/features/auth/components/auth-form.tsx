import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type InputHTMLAttributes, type ReactNode, useId, useState } from "react";
import { Link } from "react-router";
import { Alert } from "@/components/ui/alert.tsx";
import { Button } from "@/components/ui/button.tsx";
import { useI18n } from "@/features/i18n/index.ts";
import { type AuthOutcome, sendMagicLink, signInWithPassword, signUpWithPassword } from "../api/auth-actions.ts";
import { authErrorMessageKey } from "../auth-error-message.ts";
import styles from "./auth-form.module.css";

export type AuthMode = "sign-in" | "sign-up" | "magic-link";

export interface AuthActions {
  signIn: (email: string, password: string) => Promise<AuthOutcome>;
  signUp: (email: string, password: string) => Promise<AuthOutcome>;
  magicLink: (email: string, redirectTo: string) => Promise<AuthOutcome>;
}

const defaultActions: AuthActions = {
  signIn: signInWithPassword,
  signUp: signUpWithPassword,
  magicLink: sendMagicLink,
};

interface AuthFormProps {
  mode: AuthMode;
  /** Where to go after signing in (a same-origin path). */
  next: string;
  /** The sandbox inbox page, shown on the magic-link screen when running locally. */
  sandboxInboxUrl: string | null;
  onSignedIn: () => void;
  /** A short note under the heading, e.g. that checkout follows. */
  notice?: string | null;
  actions?: AuthActions;
}

/** The sentence with the inbox URL as a link (the placeholder is split out of the translation). */
function SandboxInboxNote({ url }: { url: string }) {
  const { t } = useI18n();
  const [before = "", after = ""] = t("auth.sandboxInbox", { url: "\u0000" }).split("\u0000");
  return (
    <p>
      {before}
      <a className={styles.inbox} href={url} target="_blank" rel="noreferrer">
        {url}
      </a>
      {after}
    </p>
  );
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function AuthForm({ mode, next, sandboxInboxUrl, onSignedIn, notice, actions = defaultActions }: AuthFormProps) {
  const { t } = useI18n();
  const emailId = useId();
  const passwordId = useId();
  const hintId = useId();
  const errorId = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [localError, setLocalError] = useState<"email" | "password" | null>(null);

  const mutation = useMutation({
    mutationFn: async (): Promise<AuthOutcome> => {
      if (mode === "sign-in") return actions.signIn(email.trim(), password);
      if (mode === "sign-up") return actions.signUp(email.trim(), password);
      const redirectTo = `${window.location.origin}/auth/callback?next=${encodeURIComponent(next)}`;
      return actions.magicLink(email.trim(), redirectTo);
    },
    onSuccess: (outcome) => {
      if (outcome.kind === "signed_in") onSignedIn();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!EMAIL_PATTERN.test(email.trim())) return setLocalError("email");
    if (mode !== "magic-link" && password.length === 0) return setLocalError("password");
    setLocalError(null);
    mutation.mutate();
  };

  const title =
    mode === "sign-in" ? t("auth.signInTitle") : mode === "sign-up" ? t("auth.signUpTitle") : t("auth.magicTitle");
  const submitLabel =
    mode === "sign-in"
      ? t("auth.submit.signIn")
      : mode === "sign-up"
        ? t("auth.submit.signUp")
        : t("auth.submit.magic");
  const errorMessage =
    localError === "email"
      ? t("auth.error.email")
      : localError === "password"
        ? t("auth.error.passwordRequired")
        : mutation.isError
          ? t(authErrorMessageKey(mutation.error))
          : null;
  const outcome = mutation.data;
  const modes: { mode: AuthMode; label: string }[] = [
    { mode: "sign-in", label: t("auth.mode.signIn") },
    { mode: "sign-up", label: t("auth.mode.signUp") },
    { mode: "magic-link", label: t("auth.mode.magic") },
  ];
  const nextQuery = next === "/" ? "" : `&next=${encodeURIComponent(next)}`;

  return (
    <section className={styles.card} aria-labelledby={`${emailId}-title`}>
      <div className={styles.heading}>
        <h1 id={`${emailId}-title`} className={styles.title}>
          {title}
        </h1>
        <p className={styles.subtitle}>{notice ?? t("auth.subtitle")}</p>
      </div>
      <nav aria-label={t("auth.modes")}>
        <ul className={styles.modes}>
          {modes.map((item) => (
            <li key={item.mode}>
              <Link
                className={styles.mode}
                to={`/sign-in?mode=${item.mode}${nextQuery}`}
                replace
                aria-current={item.mode === mode ? "page" : undefined}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {outcome?.kind === "link_sent" ? (
        <Alert tone="success" title={t("auth.magicSent", { email: email.trim() })} testId="magic-link-sent" />
      ) : null}
      {outcome?.kind === "confirm_email" ? <Alert tone="info" title={t("auth.confirmSent", { email })} /> : null}

      <form
        className={styles.form}
        onSubmit={onSubmit}
        noValidate
        aria-describedby={errorMessage ? errorId : undefined}
      >
        {mode === "magic-link" ? <p className={styles.hint}>{t("auth.magicHint")}</p> : null}
        <Field
          id={emailId}
          label={t("auth.email")}
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onValue={setEmail}
          invalid={localError === "email"}
        />
        {mode !== "magic-link" ? (
          <Field
            id={passwordId}
            label={t("auth.password")}
            type="password"
            name="password"
            autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
            minLength={mode === "sign-up" ? 6 : undefined}
            value={password}
            onValue={setPassword}
            aria-describedby={mode === "sign-up" ? hintId : undefined}
            invalid={localError === "password"}
          >
            {mode === "sign-up" ? (
              <p id={hintId} className={styles.hint}>
                {t("auth.passwordHint")}
              </p>
            ) : null}
          </Field>
        ) : null}
        <div id={errorId} aria-live="assertive">
          {errorMessage ? <Alert tone="danger" title={errorMessage} testId="auth-error" /> : null}
        </div>
        <Button type="submit" block loading={mutation.isPending}>
          {mutation.isPending ? t("auth.working") : submitLabel}
        </Button>
      </form>

      {mode === "magic-link" && sandboxInboxUrl ? (
        <Alert tone="info" testId="sandbox-inbox-note">
          <SandboxInboxNote url={sandboxInboxUrl} />
        </Alert>
      ) : null}
    </section>
  );
}

/** A labelled, required input of the form; `invalid` marks it for assistive technology. */
function Field({
  label,
  invalid,
  onValue,
  children,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "className" | "required"> & {
  id: string;
  label: string;
  invalid: boolean;
  onValue: (value: string) => void;
  children?: ReactNode;
}) {
  return (
    <div className={styles.field}>
      <label className={styles.label} htmlFor={input.id}>
        {label}
      </label>
      <input
        {...input}
        className={styles.input}
        required
        onChange={(event) => onValue(event.target.value)}
        aria-invalid={invalid || undefined}
      />
      {children}
    </div>
  );
}

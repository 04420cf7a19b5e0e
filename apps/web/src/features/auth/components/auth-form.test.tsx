import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Locale } from "@/features/i18n/index.ts";
import { renderWithProviders } from "@/testing/render-with-providers.tsx";
import type { AuthOutcome } from "../api/auth-actions.ts";
import { type AuthActions, AuthForm, type AuthMode } from "./auth-form.tsx";

function authError(code: string, status = 400) {
  return Object.assign(new Error(code), { name: "AuthApiError", code, status });
}

function setup(mode: AuthMode, actions: Partial<AuthActions> = {}, locale: Locale = "en", sandbox = true) {
  const all: AuthActions = {
    signIn: vi.fn(async (): Promise<AuthOutcome> => ({ kind: "signed_in" })),
    signUp: vi.fn(async (): Promise<AuthOutcome> => ({ kind: "signed_in" })),
    magicLink: vi.fn(async (): Promise<AuthOutcome> => ({ kind: "link_sent" })),
    ...actions,
  };
  const onSignedIn = vi.fn();
  renderWithProviders(
    <AuthForm
      mode={mode}
      next="/library"
      sandboxInboxUrl={sandbox ? "http://127.0.0.1:54321/inbox" : null}
      onSignedIn={onSignedIn}
      actions={all}
    />,
    { locale },
  );
  return { actions: all, onSignedIn };
}

function fill(email: string, password?: string) {
  fireEvent.change(screen.getByLabelText(/^(Email|E-mail)$/), { target: { value: email } });
  if (password !== undefined) {
    fireEvent.change(screen.getByLabelText(/^(Password|Mot de passe)$/), { target: { value: password } });
  }
}

describe("AuthForm", () => {
  it("signs in and hands over to the caller", async () => {
    const { actions, onSignedIn } = setup("sign-in");
    fill("ada@example.com", "secret123");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(actions.signIn).toHaveBeenCalledWith("ada@example.com", "secret123");
  });

  it("says “Wrong email or password” for invalid credentials", async () => {
    setup("sign-in", { signIn: vi.fn(async () => Promise.reject(authError("invalid_credentials"))) });
    fill("ada@example.com", "nope");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByTestId("auth-error")).textContent).toBe("Wrong email or password.");
  });

  it("says the password is too short in French", async () => {
    setup("sign-up", { signUp: vi.fn(async () => Promise.reject(authError("weak_password", 422))) }, "fr");
    fill("ada@example.com", "123");
    fireEvent.click(screen.getByRole("button", { name: "Créer le compte" }));
    expect((await screen.findByTestId("auth-error")).textContent).toBe(
      "Mot de passe trop court (au moins 6 caractères).",
    );
  });

  it("says the account already exists", async () => {
    setup("sign-up", { signUp: vi.fn(async () => Promise.reject(authError("user_already_exists", 422))) });
    fill("ada@example.com", "secret123");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect((await screen.findByTestId("auth-error")).textContent).toContain(
      "An account with this email already exists",
    );
  });

  it("checks the email before calling the server", () => {
    const { actions } = setup("sign-in");
    fill("not-an-email", "secret123");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByTestId("auth-error").textContent).toBe("Enter a valid email address.");
    expect(actions.signIn).not.toHaveBeenCalled();
  });

  it("sends a magic link that comes back to the page the user came from, and points at the sandbox inbox", async () => {
    const { actions } = setup("magic-link");
    expect(screen.getByTestId("sandbox-inbox-note").textContent).toContain(
      "The link appears on the inbox page at http://127.0.0.1:54321/inbox",
    );
    expect(screen.queryByLabelText("Password")).toBeNull();
    fill("ada@example.com");
    fireEvent.click(screen.getByRole("button", { name: "Email me a sign-in link" }));
    expect((await screen.findByTestId("magic-link-sent")).textContent).toContain("ada@example.com");
    expect(actions.magicLink).toHaveBeenCalledWith(
      "ada@example.com",
      `${window.location.origin}/auth/callback?next=%2Flibrary`,
    );
  });

  it("does not mention an inbox page outside the sandbox", () => {
    setup("magic-link", {}, "en", false);
    expect(screen.queryByTestId("sandbox-inbox-note")).toBeNull();
  });
});

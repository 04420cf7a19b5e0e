import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LanguageSwitch } from "./components/language-switch.tsx";
import { I18nProvider } from "./i18n-provider.tsx";
import { detectLocale, LOCALE_STORAGE_KEY } from "./locale.ts";
import { useI18n } from "./use-i18n.ts";

function Probe() {
  const { t, locale } = useI18n();
  return (
    <p data-testid="probe" data-locale={locale}>
      {t("nav.library")}
    </p>
  );
}

function mockLanguages(languages: string[]) {
  vi.spyOn(navigator, "languages", "get").mockReturnValue(languages);
}

describe("detectLocale", () => {
  it.each([
    [null, ["fr-CA", "en"], "fr"],
    [null, ["de-DE", "en-GB"], "en"],
    [null, ["de-DE"], "en"],
    ["fr", ["en-US"], "fr"],
    ["xx", ["fr"], "fr"],
  ])("stored %j with browser languages %j gives %s", (stored, languages, expected) => {
    expect(detectLocale(stored, languages)).toBe(expected);
  });
});

describe("I18nProvider", () => {
  afterEach(() => {
    document.documentElement.lang = "";
  });

  it("picks French from navigator.languages", () => {
    mockLanguages(["fr-FR", "fr", "en"]);
    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByTestId("probe").textContent).toBe("Bibliothèque");
    expect(document.documentElement.lang).toBe("fr");
  });

  it("remembers a switch in localStorage and uses it on the next visit", () => {
    mockLanguages(["en-US"]);
    const first = render(
      <I18nProvider>
        <LanguageSwitch />
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByTestId("probe").textContent).toBe("Library");
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "fr" } });
    expect(screen.getByTestId("probe").textContent).toBe("Bibliothèque");
    expect(window.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe("fr");
    first.unmount();

    render(
      <I18nProvider>
        <Probe />
      </I18nProvider>,
    );
    expect(screen.getByTestId("probe").getAttribute("data-locale")).toBe("fr");
  });

  it("labels the switch in the current language", () => {
    mockLanguages(["fr"]);
    render(
      <I18nProvider>
        <LanguageSwitch />
      </I18nProvider>,
    );
    const select = screen.getByLabelText("Langue");
    expect(select).toBeInstanceOf(HTMLSelectElement);
  });
});

// What each lifecycle email says, in English and French, from its outbox payload. Pure: the React
// Email components lay it out (email-template.ts), the plain-text part is built from the same copy.
import type { EmailPayload } from "@gatehouse/types/db-functions";

export type EmailKind =
  | "trial_ending"
  | "payment_failed"
  | "payment_recovered"
  | "cancellation_scheduled"
  | "access_ended"
  | "plan_changed"
  | "purchase_receipt";

export const EMAIL_KINDS: readonly EmailKind[] = [
  "trial_ending",
  "payment_failed",
  "payment_recovered",
  "cancellation_scheduled",
  "access_ended",
  "plan_changed",
  "purchase_receipt",
];

export type EmailLocale = "en" | "fr";

/** The outbox payload (billing.email_payload in the migration), every field optional. */
export type { EmailPayload };

export interface EmailLinks {
  /** Where billing is managed (the account page opens Stripe's portal). */
  portal: string;
  account: string;
  library: string;
  pricing: string;
}

export interface EmailCopy {
  subject: string;
  preview: string;
  heading: string;
  paragraphs: string[];
  /** Label and URL of the main button. */
  action: { label: string; url: string };
  footer: string;
}

/** Stripe amounts are in minor units; zero-decimal currencies (JPY…) have none. */
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

export function formatAmount(
  amount: number | null | undefined,
  currency: string | null | undefined,
  locale: EmailLocale,
): string | null {
  if (amount === null || amount === undefined || !currency) return null;
  const code = currency.toLowerCase();
  const major = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-US", {
    style: "currency",
    currency: code.toUpperCase(),
  }).format(major);
}

export function formatDate(iso: string | null | undefined, locale: EmailLocale): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-US", { dateStyle: "long", timeZone: "UTC" }).format(d);
}

const INTERVALS: Record<EmailLocale, Record<string, string>> = {
  en: { day: "day", week: "week", month: "month", year: "year" },
  fr: { day: "jour", week: "semaine", month: "mois", year: "an" },
};

function price(
  amount: number | null | undefined,
  currency: string | null | undefined,
  interval: string | null | undefined,
  locale: EmailLocale,
): string | null {
  const money = formatAmount(amount, currency, locale);
  if (!money) return null;
  const per = interval ? INTERVALS[locale][interval] : undefined;
  return per ? `${money} / ${per}` : money;
}

export function emailCopy(kind: EmailKind, locale: EmailLocale, p: EmailPayload, links: EmailLinks): EmailCopy {
  const fr = locale === "fr";
  const plan = p.planName ?? (fr ? "votre abonnement" : "your plan");
  const cost = price(p.amount, p.currency, p.interval, locale);
  const footer = fr
    ? "Vous recevez ce message parce que vous avez un compte Gatehouse. Gérez vos e-mails depuis votre compte."
    : "You receive this because you have a Gatehouse account. Manage your emails from your account.";
  const d = (iso: string | null | undefined) => formatDate(iso, locale) ?? (fr ? "bientôt" : "soon");
  switch (kind) {
    case "trial_ending":
      return {
        subject: fr
          ? `Votre essai de ${plan} se termine le ${d(p.trialEnd)}`
          : `Your ${plan} trial ends on ${d(p.trialEnd)}`,
        preview: fr ? "Votre essai se termine dans 3 jours." : "Your trial ends in 3 days.",
        heading: fr ? "Votre essai se termine bientôt" : "Your trial ends soon",
        paragraphs: [
          fr
            ? `Votre essai gratuit de ${plan} se termine le ${d(p.trialEnd)}.`
            : `Your free trial of ${plan} ends on ${d(p.trialEnd)}.`,
          cost
            ? fr
              ? `Ensuite, votre abonnement continue à ${cost}. Rien à faire si vous souhaitez le garder.`
              : `After that, your subscription continues at ${cost}. Nothing to do if you want to keep it.`
            : fr
              ? "Ensuite, votre abonnement continue. Rien à faire si vous souhaitez le garder."
              : "After that, your subscription continues. Nothing to do if you want to keep it.",
        ],
        action: { label: fr ? "Gérer mon abonnement" : "Manage my subscription", url: links.portal },
        footer,
      };
    case "payment_failed":
      return {
        subject: fr ? `Le paiement de ${plan} a échoué` : `Your payment for ${plan} failed`,
        preview: fr ? "Mettez à jour votre moyen de paiement." : "Update your payment method.",
        heading: fr ? "Le paiement a échoué" : "Your payment failed",
        paragraphs: [
          cost
            ? fr
              ? `Nous n'avons pas pu encaisser ${cost} pour ${plan}.`
              : `We could not charge ${cost} for ${plan}.`
            : fr
              ? `Nous n'avons pas pu encaisser le renouvellement de ${plan}.`
              : `We could not charge the renewal of ${plan}.`,
          fr
            ? "Mettez à jour votre carte pour garder votre accès : nous réessaierons automatiquement."
            : "Update your card to keep your access: we will try again automatically.",
        ],
        action: { label: fr ? "Mettre à jour le paiement" : "Update payment method", url: links.portal },
        footer,
      };
    case "payment_recovered":
      return {
        subject: fr ? `Paiement reçu : ${plan} continue` : `Payment received: ${plan} continues`,
        preview: fr ? "Merci, votre paiement est passé." : "Thanks, your payment went through.",
        heading: fr ? "Paiement reçu" : "Payment received",
        paragraphs: [
          cost
            ? fr
              ? `Merci : ${cost} ont bien été encaissés. Votre accès à ${plan} continue.`
              : `Thank you: ${cost} was charged. Your access to ${plan} continues.`
            : fr
              ? `Merci : votre paiement est passé. Votre accès à ${plan} continue.`
              : `Thank you: your payment went through. Your access to ${plan} continues.`,
          fr ? `Prochain renouvellement le ${d(p.currentPeriodEnd)}.` : `Next renewal on ${d(p.currentPeriodEnd)}.`,
        ],
        action: { label: fr ? "Ouvrir la bibliothèque" : "Open the library", url: links.library },
        footer,
      };
    case "cancellation_scheduled":
      return {
        subject: fr ? `${plan} prendra fin le ${d(p.cancelAt)}` : `${plan} will end on ${d(p.cancelAt)}`,
        preview: fr ? "Votre résiliation est enregistrée." : "Your cancellation is scheduled.",
        heading: fr ? "Résiliation enregistrée" : "Cancellation scheduled",
        paragraphs: [
          fr
            ? `Votre abonnement ${plan} ne sera pas renouvelé. Vous gardez l'accès jusqu'au ${d(p.cancelAt)}.`
            : `Your ${plan} subscription will not renew. You keep access until ${d(p.cancelAt)}.`,
          fr
            ? "Vous avez changé d'avis ? Reprenez-le depuis votre compte."
            : "Changed your mind? Resume it from your account.",
        ],
        action: { label: fr ? "Reprendre l'abonnement" : "Resume subscription", url: links.portal },
        footer,
      };
    case "access_ended":
      return {
        subject: fr ? `Votre accès à ${plan} a pris fin` : `Your access to ${plan} has ended`,
        preview: fr ? "Vous pouvez vous réabonner à tout moment." : "You can subscribe again at any time.",
        heading: fr ? "Votre accès a pris fin" : "Your access has ended",
        paragraphs: [
          fr
            ? `Votre abonnement ${plan} est terminé depuis le ${d(p.endedAt)}.`
            : `Your ${plan} subscription ended on ${d(p.endedAt)}.`,
          fr
            ? "Merci de nous avoir suivis. Vous pouvez revenir quand vous voulez."
            : "Thank you for being with us. You can come back any time.",
        ],
        action: { label: fr ? "Voir les offres" : "See plans", url: links.pricing },
        footer,
      };
    case "plan_changed": {
      const before = p.previousPlanName ?? (fr ? "votre ancienne offre" : "your previous plan");
      const oldCost = price(p.previousAmount, p.previousCurrency, p.previousInterval, locale);
      return {
        subject: fr ? `Votre offre est maintenant ${plan}` : `You are now on ${plan}`,
        preview: fr ? `${before} → ${plan}` : `${before} → ${plan}`,
        heading: fr ? "Offre modifiée" : "Plan changed",
        paragraphs: [
          fr
            ? `Vous êtes passé de ${before}${oldCost ? ` (${oldCost})` : ""} à ${plan}${cost ? ` (${cost})` : ""}.`
            : `You moved from ${before}${oldCost ? ` (${oldCost})` : ""} to ${plan}${cost ? ` (${cost})` : ""}.`,
          fr ? `Prochain renouvellement le ${d(p.currentPeriodEnd)}.` : `Next renewal on ${d(p.currentPeriodEnd)}.`,
        ],
        action: { label: fr ? "Ouvrir la bibliothèque" : "Open the library", url: links.library },
        footer,
      };
    }
    case "purchase_receipt": {
      const product = p.productName ?? plan;
      const money = formatAmount(p.amount, p.currency, locale);
      return {
        subject: fr ? `Reçu : ${product}` : `Receipt: ${product}`,
        preview: fr ? "Merci pour votre achat." : "Thank you for your purchase.",
        heading: fr ? "Merci pour votre achat" : "Thank you for your purchase",
        paragraphs: [
          money
            ? fr
              ? `Vous avez acheté ${product} pour ${money} le ${d(p.purchasedAt)}. L'accès est à vie.`
              : `You bought ${product} for ${money} on ${d(p.purchasedAt)}. Access is for life.`
            : fr
              ? `Vous avez acheté ${product}. L'accès est à vie.`
              : `You bought ${product}. Access is for life.`,
          ...(p.receiptNumber ? [fr ? `Reçu n° ${p.receiptNumber}.` : `Receipt number ${p.receiptNumber}.`] : []),
        ],
        action: { label: fr ? "Ouvrir la bibliothèque" : "Open the library", url: links.library },
        footer,
      };
    }
  }
}

/** The plain-text part: the same copy, the link written out. */
export function plainText(c: EmailCopy): string {
  return [
    c.heading,
    "",
    ...c.paragraphs.flatMap((p) => [p, ""]),
    `${c.action.label}: ${c.action.url}`,
    "",
    "--",
    c.footer,
    "",
  ].join("\n");
}

export function linksFor(appUrl: string): EmailLinks {
  return {
    portal: `${appUrl}/account`,
    account: `${appUrl}/account`,
    library: `${appUrl}/library`,
    pricing: `${appUrl}/`,
  };
}

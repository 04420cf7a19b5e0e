// The plain sentence (issue 18): where a user stands and why, in their language, built from their
// entitlement and their access history (public.entitlement_changes). Pure: the caller gives the
// plan names and amounts (from the catalog), the time zone and "now"; the account page shows it to
// the user and the console shows the same sentence to the admin.

export type SentenceLocale = "en" | "fr";

export interface AccessFacts {
  active: boolean;
  status: string | null;
  /** The plan's name as people read it ("Pro"). */
  planName: string | null;
  /** The price of one period, in the currency's minor unit (cents). */
  amount: number | null;
  currency: string | null;
  interval: "day" | "week" | "month" | "year" | null;
  currentPeriodEnd: string | null;
  /** Set while a cancellation is pending. */
  cancelAt: string | null;
  /** Where the past-due grace ends (access stops then unless the card is fixed). */
  accessEndsAt: string | null;
  trialEnd: string | null;
  /** A scheduled switch: the plan it switches to and when. */
  scheduledChange: { planName: string; at: string } | null;
}

/** One row of the access history, as entitlement_changes stores it (snake_case access columns). */
export interface AccessChange {
  at: string;
  cause: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export interface SentenceOptions {
  locale: SentenceLocale;
  now: Date;
  /** IANA time zone the dates are read in (default UTC). */
  timeZone?: string;
}

const INTL: Record<SentenceLocale, string> = { en: "en-GB", fr: "fr-FR" };

/** "3 January" this year, "3 January 2027" another year; "3 janvier", "3 janvier 2027". */
export function sentenceDate(iso: string, opts: SentenceOptions): string {
  const date = new Date(iso);
  const timeZone = opts.timeZone ?? "UTC";
  const year = (d: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(d);
  return new Intl.DateTimeFormat(INTL[opts.locale], {
    day: "numeric",
    month: "long",
    ...(year(date) !== year(opts.now) ? { year: "numeric" } : {}),
    timeZone,
  }).format(date);
}

/** "€9", "€9.50", "9 €", "9,50 €" (no decimals for a whole amount). */
export function sentenceMoney(amount: number, currency: string, locale: SentenceLocale): string {
  const whole = amount % 100 === 0;
  return new Intl.NumberFormat(INTL[locale], {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(amount / 100);
}

const PER: Record<SentenceLocale, Record<NonNullable<AccessFacts["interval"]>, string>> = {
  en: { day: "a day", week: "a week", month: "a month", year: "a year" },
  fr: { day: "par jour", week: "par semaine", month: "par mois", year: "par an" },
};

/** The latest change in the history (newest first or not) that matches. */
function latest(history: readonly AccessChange[], match: (c: AccessChange) => boolean): AccessChange | null {
  let found: AccessChange | null = null;
  for (const c of history) {
    if (match(c) && (!found || Date.parse(c.at) > Date.parse(found.at))) found = c;
  }
  return found;
}

const field = (row: Record<string, unknown> | null, key: string): unknown => (row ? row[key] : undefined);

/** The sentence for this user, now. */
export function accessSentence(facts: AccessFacts, history: readonly AccessChange[], opts: SentenceOptions): string {
  const fr = opts.locale === "fr";
  const date = (iso: string) => sentenceDate(iso, opts);
  const money =
    facts.amount !== null && facts.currency ? sentenceMoney(facts.amount, facts.currency, opts.locale) : null;
  const plan = facts.planName;
  const status = facts.status;

  if (status === "past_due" || status === "unpaid") {
    const failed = latest(
      history,
      (c) => field(c.after, "status") === status && field(c.before, "status") !== field(c.after, "status"),
    );
    const ends = facts.accessEndsAt && Date.parse(facts.accessEndsAt) > opts.now.getTime() ? facts.accessEndsAt : null;
    const what = fr
      ? `Votre paiement${money ? ` de ${money}` : ""} a échoué${failed ? ` le ${date(failed.at)}` : ""}`
      : `Your payment${money ? ` of ${money}` : ""} failed${failed ? ` on ${date(failed.at)}` : ""}`;
    const then = ends
      ? fr
        ? `mettez à jour votre carte pour garder l’accès jusqu’au ${date(ends)}`
        : `update your card to keep access until ${date(ends)}`
      : fr
        ? "mettez à jour votre carte pour retrouver l’accès"
        : "update your card to get your access back";
    return `${what}${fr ? " ; " : "; "}${then}.`;
  }

  if ((status === "active" || status === "trialing") && facts.cancelAt) {
    const cancelled = latest(
      history,
      (c) => field(c.after, "cancel_at") != null && field(c.before, "cancel_at") == null,
    );
    if (cancelled) {
      return fr
        ? `Vous avez résilié le ${date(cancelled.at)} ; votre accès prend fin le ${date(facts.cancelAt)}.`
        : `You cancelled on ${date(cancelled.at)}; your access ends on ${date(facts.cancelAt)}.`;
    }
    return fr
      ? `Votre abonnement est résilié ; votre accès prend fin le ${date(facts.cancelAt)}.`
      : `Your plan is cancelled; your access ends on ${date(facts.cancelAt)}.`;
  }

  if (status === "trialing" && facts.trialEnd) {
    const charge = money && facts.interval ? `${money} ${PER[opts.locale][facts.interval]}` : null;
    if (fr) {
      return `Votre essai se termine le ${date(facts.trialEnd)}${charge ? ` ; vous serez ensuite débité de ${charge}` : ""}.`;
    }
    return `Your trial ends on ${date(facts.trialEnd)}${charge ? `; you will then be charged ${charge}` : ""}.`;
  }

  if (status === "active" && facts.scheduledChange) {
    const { planName, at } = facts.scheduledChange;
    return fr
      ? `Votre abonnement passe à ${planName} le ${date(at)}.`
      : `Your plan changes to ${planName} on ${date(at)}.`;
  }

  if (status === "active" && facts.currentPeriodEnd) {
    const price = money ? ` (${money})` : "";
    return fr
      ? `Votre abonnement${plan ? ` ${plan}` : ""} se renouvelle le ${date(facts.currentPeriodEnd)}${price}.`
      : `Your ${plan ? `${plan} ` : ""}plan renews on ${date(facts.currentPeriodEnd)}${price}.`;
  }

  if (status === "paused") return fr ? "Votre abonnement est en pause." : "Your plan is paused.";
  if (status === "incomplete") {
    return fr
      ? "Votre premier paiement n’est pas terminé : terminez-le pour obtenir l’accès."
      : "Your first payment is not finished: complete it to get access.";
  }

  if (status === "canceled") {
    const ended = latest(
      history,
      (c) => field(c.after, "status") === "canceled" && field(c.before, "status") !== "canceled",
    );
    const when = ended?.at ?? facts.currentPeriodEnd;
    if (when) {
      return fr
        ? `Votre abonnement${plan ? ` ${plan}` : ""} a pris fin le ${date(when)}.`
        : `Your ${plan ? `${plan} ` : ""}plan ended on ${date(when)}.`;
    }
    return fr ? "Votre abonnement a pris fin." : "Your plan has ended.";
  }

  return fr ? "Vous n’avez pas d’abonnement." : "You have no plan.";
}

export type ChangeKind =
  | "granted"
  | "ended"
  | "cancel_scheduled"
  | "cancel_withdrawn"
  | "payment_failed"
  | "payment_recovered"
  | "trial_started"
  | "plan_changed"
  | "change_scheduled"
  | "renewed"
  | "updated";

/** What one history row did, for the timeline. */
export function changeKind(c: AccessChange): ChangeKind {
  const b = c.before;
  const a = c.after;
  const was = (k: string) => field(b, k);
  const now = (k: string) => field(a, k);
  if (now("status") === "past_due" || now("status") === "unpaid") {
    if (was("status") !== now("status")) return "payment_failed";
  }
  if ((was("status") === "past_due" || was("status") === "unpaid") && now("status") === "active") {
    return "payment_recovered";
  }
  if (!was("active") && now("active") === true) return now("status") === "trialing" ? "trial_started" : "granted";
  if (was("active") === true && now("active") === false) return "ended";
  if (was("cancel_at") == null && now("cancel_at") != null) return "cancel_scheduled";
  if (was("cancel_at") != null && now("cancel_at") == null) return "cancel_withdrawn";
  if (was("price_id") !== now("price_id")) return "plan_changed";
  if (was("scheduled_price_id") !== now("scheduled_price_id") && now("scheduled_price_id") != null) {
    return "change_scheduled";
  }
  if (was("current_period_end") !== now("current_period_end")) return "renewed";
  return "updated";
}

const KIND_TEXT: Record<SentenceLocale, Record<ChangeKind, string>> = {
  en: {
    granted: "Access granted",
    ended: "Access ended",
    cancel_scheduled: "Cancellation scheduled",
    cancel_withdrawn: "Cancellation withdrawn",
    payment_failed: "Payment failed",
    payment_recovered: "Payment recovered",
    trial_started: "Trial started",
    plan_changed: "Plan changed",
    change_scheduled: "Plan change scheduled",
    renewed: "Renewed",
    updated: "Access updated",
  },
  fr: {
    granted: "Accès ouvert",
    ended: "Accès terminé",
    cancel_scheduled: "Résiliation programmée",
    cancel_withdrawn: "Résiliation annulée",
    payment_failed: "Paiement échoué",
    payment_recovered: "Paiement rétabli",
    trial_started: "Essai commencé",
    plan_changed: "Changement d’abonnement",
    change_scheduled: "Changement d’abonnement programmé",
    renewed: "Renouvelé",
    updated: "Accès mis à jour",
  },
};

const CAUSE_TEXT: Record<SentenceLocale, Record<string, string>> = {
  en: {
    webhook: "Stripe event",
    checkout_sync: "synced when you came back from Stripe",
    cron: "nightly check",
    plan_change: "plan change",
    admin_resync: "re-sync by an admin",
    replay: "event replayed",
    doctor: "repaired by the doctor",
    database: "changed in the database",
  },
  fr: {
    webhook: "événement Stripe",
    checkout_sync: "synchronisé à votre retour de Stripe",
    cron: "vérification nocturne",
    plan_change: "changement d’abonnement",
    admin_resync: "resynchronisé par un administrateur",
    replay: "événement rejoué",
    doctor: "réparé par le docteur",
    database: "modifié dans la base de données",
  },
};

/** The timeline's line for one change: what happened and why ("Payment failed · Stripe event invoice.payment_failed"). */
export function describeChange(c: AccessChange, locale: SentenceLocale): { what: string; why: string } {
  const [kind, detail] = c.cause.startsWith("webhook:") ? ["webhook", c.cause.slice(8)] : [c.cause, ""];
  const base = CAUSE_TEXT[locale][kind] ?? c.cause;
  return { what: KIND_TEXT[locale][changeKind(c)], why: detail ? `${base} ${detail}` : base };
}

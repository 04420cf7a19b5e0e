// What Resend's POST /emails accepts, checked as Resend checks it, with Resend's error names and
// messages (https://resend.com/docs/api-reference/errors). Pure.

export interface ResendError {
  statusCode: number;
  name: string;
  message: string;
}

export interface ValidEmail {
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  replyTo?: string[];
  headers?: Record<string, string>;
  tags?: Array<{ name: string; value: string }>;
}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const NAMED = /^\s*([^<>]*?)\s*<([^<>]+)>\s*$/;
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
/** Resend: at most 50 recipients a message. */
export const MAX_RECIPIENTS = 50;
/** Fields of POST /emails that the stand-in does not model: refused rather than ignored. */
const NOT_MODELLED = ["attachments", "scheduled_at", "template", "topic_id", "react"];
const KNOWN = new Set([
  "from",
  "to",
  "subject",
  "html",
  "text",
  "reply_to",
  "headers",
  "tags",
  "cc",
  "bcc",
  ...NOT_MODELLED,
]);

/** The bare address of `a@b.c` or `Name <a@b.c>`, or null when neither form. */
export function addressOf(value: string): string | null {
  const named = value.match(NAMED);
  const bare = (named ? (named[2] ?? "") : value).trim();
  return ADDRESS.test(bare) ? bare : null;
}

const invalid = (message: string): ResendError => ({ statusCode: 422, name: "validation_error", message });
const missing = (field: string): ResendError => ({
  statusCode: 422,
  name: "missing_required_field",
  message: `Missing \`${field}\` field.`,
});
const badAddress = (field: string) =>
  invalid(
    `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
  );

function addresses(value: unknown, field: string): string[] | ResendError {
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) return badAddress(field);
  for (const v of list as string[]) if (!addressOf(v)) return badAddress(field);
  return list as string[];
}

export function validateEmail(body: unknown): ValidEmail | ResendError {
  if (!body || typeof body !== "object" || Array.isArray(body))
    return invalid("The request body must be a JSON object.");
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (b[key] === undefined || b[key] === null) continue;
    if (NOT_MODELLED.includes(key)) {
      return invalid(`\`${key}\` is not modelled by the sandbox's Resend stand-in: send html and text.`);
    }
    if (!KNOWN.has(key)) return invalid(`Unknown field \`${key}\`.`);
  }
  if (b.from === undefined || b.from === null || b.from === "") return missing("from");
  if (typeof b.from !== "string" || !addressOf(b.from)) return badAddress("from");
  if (b.to === undefined || b.to === null || (Array.isArray(b.to) && b.to.length === 0)) return missing("to");
  const to = addresses(b.to, "to");
  if (!Array.isArray(to)) return to;
  if (to.length > MAX_RECIPIENTS)
    return invalid(`Too many recipients. The \`to\` field accepts at most ${MAX_RECIPIENTS}.`);
  if (b.subject === undefined || b.subject === null || b.subject === "") return missing("subject");
  if (typeof b.subject !== "string") return invalid("The `subject` field must be a string.");
  for (const f of ["html", "text"] as const) {
    if (b[f] !== undefined && b[f] !== null && typeof b[f] !== "string") {
      return invalid(`The \`${f}\` field must be a string.`);
    }
  }
  const html = typeof b.html === "string" ? b.html : undefined;
  const text = typeof b.text === "string" ? b.text : undefined;
  if (!html && !text) return missing("html` or `text");
  const out: ValidEmail = { from: b.from, to, subject: b.subject };
  if (html) out.html = html;
  if (text) out.text = text;
  if (b.reply_to !== undefined && b.reply_to !== null) {
    const r = addresses(b.reply_to, "reply_to");
    if (!Array.isArray(r)) return r;
    out.replyTo = r;
  }
  if (b.headers !== undefined && b.headers !== null) {
    const h = b.headers;
    if (typeof h !== "object" || Array.isArray(h) || Object.values(h).some((v) => typeof v !== "string")) {
      return invalid("The `headers` field must be an object of string values.");
    }
    out.headers = h as Record<string, string>;
  }
  if (b.tags !== undefined && b.tags !== null) {
    if (!Array.isArray(b.tags)) return invalid("The `tags` field must be an array of { name, value }.");
    const tags: Array<{ name: string; value: string }> = [];
    for (const t of b.tags as unknown[]) {
      const tag = t as { name?: unknown; value?: unknown } | null;
      if (!tag || typeof tag.name !== "string" || typeof tag.value !== "string") {
        return invalid("The `tags` field must be an array of { name, value }.");
      }
      if (!TAG_PART.test(tag.name) || !TAG_PART.test(tag.value)) {
        return invalid("Tags should only contain ASCII letters, numbers, underscores, or dashes.");
      }
      tags.push({ name: tag.name, value: tag.value });
    }
    out.tags = tags;
  }
  return out;
}

export function isResendError(v: ValidEmail | ResendError): v is ResendError {
  return "statusCode" in v;
}

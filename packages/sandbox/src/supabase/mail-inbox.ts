export interface Mail {
  id: number;
  to: string;
  subject: string;
  /** Auth mails (magic links): the link and the one-time code. */
  link?: string;
  code?: string;
  /** Mails sent through the Resend stand-in. */
  from?: string;
  html?: string;
  text?: string;
  replyTo?: string[];
  tags?: Array<{ name: string; value: string }>;
  headers?: Record<string, string>;
  /** The id Resend answered (a UUID) for a mail sent through the Resend stand-in. */
  resendId?: string;
  sentAt: Date;
}

/** The mail catcher: mails the stand-ins would have sent, newest first (bounded). */
export class MailInbox {
  readonly #mails: Mail[] = [];
  #next = 1;
  readonly #limit: number;

  constructor(limit = 500) {
    this.#limit = limit;
  }

  add(mail: Omit<Mail, "id" | "sentAt">): Mail {
    const stored = { ...mail, id: this.#next++, sentAt: new Date() };
    this.#mails.unshift(stored);
    if (this.#mails.length > this.#limit) this.#mails.length = this.#limit;
    return stored;
  }

  list(): readonly Mail[] {
    return this.#mails;
  }
}

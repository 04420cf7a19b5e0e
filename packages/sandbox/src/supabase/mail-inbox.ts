export interface Mail {
  id: number;
  to: string;
  subject: string;
  link: string;
  code: string;
  sentAt: Date;
}

/** The mail catcher: mails the stand-in would have sent, newest first (bounded). */
export class MailInbox {
  readonly #mails: Mail[] = [];
  #next = 1;
  readonly #limit: number;

  constructor(limit = 200) {
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

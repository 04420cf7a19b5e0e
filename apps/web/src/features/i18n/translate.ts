import type { Dictionary, MessageKey } from "./dictionary-en.ts";

export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Looks a key up and fills `{name}` placeholders. */
export function createTranslate(dictionary: Dictionary): Translate {
  return (key, params) => {
    const template = dictionary[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = params[name];
      return value === undefined ? match : String(value);
    });
  };
}

export interface RestResponse {
  status: number;
  /** Serialised JSON, or "" for no body. */
  body: string;
  headers: Record<string, string>;
}

const JSON_TYPE = "application/json; charset=utf-8";
const OBJECT_TYPE = "application/vnd.pgrst.object+json; charset=utf-8";

/** Turns a JSON array (text) into the response body: the array, or its only element for .single(). */
export function rowsBody(arrayText: string, single: boolean): { body: string; contentType: string } {
  if (!single) return { body: arrayText, contentType: JSON_TYPE };
  const rows = JSON.parse(arrayText) as unknown[];
  return { body: JSON.stringify(rows[0]), contentType: OBJECT_TYPE };
}

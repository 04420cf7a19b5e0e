import type { ApiErrorCode } from "@gatehouse/types";

/** The client's own codes: the API could not be reached, or answered outside its contract. */
export type ClientErrorCode = "network_error" | "invalid_response" | `http_${number}`;

/** An error the API answered with (`{"error":{"code","message","requestId"}}`) or a failure to reach it. */
export class ApiError extends Error {
  readonly code: ApiErrorCode | ClientErrorCode;
  readonly status: number;
  readonly requestId: string | null;

  constructor(code: ApiErrorCode | ClientErrorCode, message: string, status: number, requestId: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/**
 * An error Supabase Storage answers with: body `{statusCode, code, error, message}` where
 * `statusCode` is the status the error stands for, as a string; the HTTP status itself is 400 for
 * every client error and 500 for server errors (storage's error handler, `userStatusCode`).
 */
export class StorageError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly httpStatus: number;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    opts: { error?: string; httpStatus?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.error = opts.error ?? code;
    this.httpStatus = opts.httpStatus ?? (statusCode >= 500 ? 500 : 400);
    this.headers = opts.headers ?? {};
  }

  toBody() {
    return { statusCode: String(this.statusCode), code: this.code, error: this.error, message: this.message };
  }
}

/** The errors the stand-in answers, with Supabase Storage's codes and messages (ERRORS in storage). */
export const STORAGE_ERRORS = {
  noSuchBucket: () => new StorageError(404, "NoSuchBucket", "Bucket not found", { error: "Bucket not found" }),
  noSuchKey: () => new StorageError(404, "NoSuchKey", "Object not found", { error: "not_found" }),
  invalidKey: (key: string) => new StorageError(400, "InvalidKey", `Invalid key: ${key}`),
  invalidBucketName: (bucket: string) =>
    new StorageError(400, "InvalidBucketName", `Bucket name invalid: ${bucket}`, { error: "Invalid Input" }),
  invalidJwt: (message: string) => new StorageError(400, "InvalidJWT", message || "Invalid JWT"),
  invalidSignature: () => new StorageError(400, "InvalidSignature", "Invalid signature"),
  accessDenied: (message: string) =>
    new StorageError(403, "AccessDenied", message || "Access denied", { error: "Unauthorized" }),
  keyAlreadyExists: () =>
    new StorageError(409, "KeyAlreadyExists", "The resource already exists", { error: "Duplicate" }),
  bucketAlreadyExists: () =>
    new StorageError(409, "BucketAlreadyExists", "The resource already exists", { error: "Duplicate" }),
  invalidMimeType: (mimeType: string) =>
    new StorageError(415, "InvalidMimeType", `mime type ${mimeType} is not supported`, {
      error: "invalid_mime_type",
    }),
  entityTooLarge: () =>
    new StorageError(413, "EntityTooLarge", "The object exceeded the maximum allowed size", {
      error: "Payload too large",
    }),
  noContent: () => new StorageError(400, "InvalidRequest", "No content provided"),
  /** What Fastify's schema validation answers (storage validates bodies with JSON schemas). */
  badRequest: (message: string) =>
    new StorageError(400, "InvalidRequest", message, { error: "Bad Request", httpStatus: 400 }),
  /** A route or option real Storage has and the stand-in deliberately does not model. */
  notSupported: (what: string) =>
    new StorageError(501, "NotSupported", `${what} is not supported by the Supabase stand-in`, { httpStatus: 501 }),
  internal: () => new StorageError(500, "InternalError", "Internal server error"),
};

export * from "./access-sentence.ts";
export * from "./api.ts";
export type { Database, Json, Tables, TablesInsert, TablesUpdate } from "./database.ts";
export type { Db, PgRow } from "./db-client.ts";
export * from "./uuid.ts";

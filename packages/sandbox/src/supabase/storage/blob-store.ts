import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

export interface StoredBlob {
  size: number;
  /** Hex MD5 of the bytes, as S3 reports a single-part upload's ETag. */
  md5: string;
}

export class BlobTooLargeError extends Error {}

/**
 * The stand-in's disk, where Supabase would use S3: one file per object version, named by the
 * version's uuid (never by the object's name, so no key can reach outside the folder).
 */
export class BlobStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, "tmp"), { recursive: true });
  }

  private path(version: string): string {
    if (!/^[0-9a-f-]{36}$/.test(version)) throw new Error(`not a version id: ${version}`);
    return join(this.dir, version);
  }

  /**
   * Streams `body` to disk under `version`; refuses (and removes the partial file) once more than
   * `limit` bytes arrived. The rest of the body is still read, so the client gets the answer.
   */
  async write(version: string, body: Readable, limit: number): Promise<StoredBlob> {
    const tmp = join(this.dir, "tmp", randomUUID());
    const out = createWriteStream(tmp);
    const md5 = createHash("md5");
    let size = 0;
    let tooLarge = false;
    try {
      for await (const chunk of body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
        size += buf.length;
        if (size > limit) tooLarge = true;
        if (tooLarge) continue;
        md5.update(buf);
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      if (tooLarge) throw new BlobTooLargeError(`${size} bytes over the limit of ${limit}`);
      await rename(tmp, this.path(version));
      return { size, md5: md5.digest("hex") };
    } catch (e) {
      out.destroy();
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** Writes bytes already in memory (multipart uploads). */
  async writeBuffer(version: string, bytes: Uint8Array): Promise<StoredBlob> {
    return this.write(version, Readable.from([Buffer.from(bytes)]), Number.POSITIVE_INFINITY);
  }

  async size(version: string): Promise<number | undefined> {
    return stat(this.path(version)).then(
      (s) => s.size,
      () => undefined,
    );
  }

  read(version: string): Readable {
    return createReadStream(this.path(version));
  }

  async remove(version: string): Promise<void> {
    await rm(this.path(version), { force: true });
  }
}

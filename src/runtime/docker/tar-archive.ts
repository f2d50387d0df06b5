/**
 * A minimal ustar writer: the engine takes files (a container's config files, an image's
 * build context) only as a tar stream. Regular files only; parent folders are created by
 * the engine when it unpacks.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';

const BLOCK_BYTES = 512;

export interface TarEntry {
  /** Path inside the archive, without a leading slash: "etc/nginx/nginx.conf". */
  path: string;
  /** The content, or a file on disk to read it from. */
  content: Buffer | { file: string };
  mode?: number;
  uid?: number;
  gid?: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** ustar splits a long path into a prefix (155 bytes) and a name (100 bytes) at a slash. */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`path too long for a tar archive: ${path}`);
}

export function tarHeader(entry: TarEntry, sizeBytes: number): Buffer {
  const header = Buffer.alloc(BLOCK_BYTES, 0);
  const { name, prefix } = splitPath(entry.path.replace(/^\/+/, ''));
  header.write(name, 0, 100, 'utf8');
  header.write(octal(entry.mode ?? 0o644, 8), 100, 'ascii');
  header.write(octal(entry.uid ?? 0, 8), 108, 'ascii');
  header.write(octal(entry.gid ?? 0, 8), 116, 'ascii');
  header.write(octal(sizeBytes, 12), 124, 'ascii');
  header.write(octal(0, 12), 136, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  header.write(prefix, 345, 155, 'utf8');

  // The checksum is computed with its own field read as eight spaces.
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

function padding(sizeBytes: number): Buffer {
  const rest = sizeBytes % BLOCK_BYTES;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK_BYTES - rest, 0);
}

function* fileChunks(file: string, sizeBytes: number): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    let left = sizeBytes;
    while (left > 0) {
      const chunk = Buffer.alloc(Math.min(left, 1 << 20));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) throw new Error(`${file} shrank while it was archived`);
      left -= read;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

function* archiveChunks(entries: Iterable<TarEntry>): Generator<Buffer> {
  for (const entry of entries) {
    const inMemory = Buffer.isBuffer(entry.content);
    const sizeBytes = inMemory
      ? (entry.content as Buffer).length : statSync((entry.content as { file: string }).file).size;
    yield tarHeader(entry, sizeBytes);
    if (inMemory) yield entry.content as Buffer;
    else yield* fileChunks((entry.content as { file: string }).file, sizeBytes);
    yield padding(sizeBytes);
  }
  // Two empty blocks close the archive.
  yield Buffer.alloc(BLOCK_BYTES * 2, 0);
}

/** The whole archive in memory: for a few small config files. */
export function tarBuffer(entries: TarEntry[]): Buffer {
  return Buffer.concat([...archiveChunks(entries)]);
}

/** The archive as a stream, files read as it goes: for a build context of many megabytes. */
export function tarStream(entries: Iterable<TarEntry>): Readable {
  return Readable.from(archiveChunks(entries), { objectMode: false });
}

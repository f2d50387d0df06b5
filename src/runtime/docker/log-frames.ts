/**
 * The engine sends a container's logs (without a TTY) as frames: one byte for the stream,
 * three zero bytes, a four-byte big-endian length, then the payload. This joins the payloads.
 */
export function demuxLogFrames(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset];
    const length = raw.readUInt32BE(offset + 4);
    // Not a frame header: the container had a TTY and the bytes are the log itself.
    if (stream === undefined || stream > 2 || raw[offset + 1] !== 0) return raw.toString('utf8');
    parts.push(raw.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  if (parts.length === 0) return raw.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Display names: free text, but stored and shown to others, so it must be one line of
 * visible text. Control characters are refused (Postgres text cannot even hold NUL), and so
 * are bidirectional overrides, which can make a name read differently than it is stored.
 */
export const MAX_DISPLAY_NAME_CHARS = 100;

const CONTROL_OR_SURROGATE = /[\p{Cc}\p{Cs}]/u;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

export type DisplayNameCheck =
  | { ok: true; displayName: string | undefined }
  | { ok: false; reason: string };

export function checkDisplayName(input: string | undefined): DisplayNameCheck {
  if (input === undefined) return { ok: true, displayName: undefined };

  const displayName = input.trim().normalize('NFC');
  if (displayName === '') return { ok: false, reason: 'displayName is blank; omit it instead' };
  if (Array.from(displayName).length > MAX_DISPLAY_NAME_CHARS) {
    return { ok: false, reason: `displayName is over ${MAX_DISPLAY_NAME_CHARS} characters` };
  }
  if (CONTROL_OR_SURROGATE.test(displayName) || BIDI_CONTROLS.test(displayName)) {
    return { ok: false, reason: 'displayName contains control or direction-override characters' };
  }
  return { ok: true, displayName };
}

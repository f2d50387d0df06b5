/** A rough well-formedness check of HTML and SVG text for the report tests. */

const VOID_ELEMENTS = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;

/**
 * Problems found: unclosed, mismatched or stray tags, a repeated attribute, and a bare "<"
 * left in text.
 */
export function markupProblems(markup: string): string[] {
  const text = markup
    .replace(/<!DOCTYPE[^>]*>/i, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(<(script|style)\b[^>]*>)[\s\S]*?(<\/\2>)/g, '$1$3');
  const problems: string[] = [];
  const open: string[] = [];

  for (const match of text.matchAll(TAG)) {
    const [, closing, rawName = '', attributes = '', selfClosing] = match;
    const name = rawName.toLowerCase();
    const attributeNames = [...attributes.matchAll(/([\w:-]+)=/g)].map((m) => m[1]);
    if (new Set(attributeNames).size !== attributeNames.length) {
      problems.push(`<${name}> repeats an attribute: ${attributeNames.join(' ')}`);
    }
    if (selfClosing || (!closing && VOID_ELEMENTS.has(name))) continue;
    if (!closing) {
      open.push(name);
      continue;
    }
    const top = open.pop();
    if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
  }
  if (open.length > 0) problems.push(`never closed: ${open.join(', ')}`);
  if (text.replace(TAG, '').includes('<')) problems.push('a bare "<" outside any tag');
  return problems;
}

/** Every <svg>...</svg> in a page. */
export function svgBlocks(markup: string): string[] {
  return markup.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
}

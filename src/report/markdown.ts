/**
 * Escaping for text that users control (image ids, names, tags, keys) on its
 * way into GitHub-flavoured Markdown, where it must render as plain text:
 * no HTML, no table breaks, no links, no @mentions or #references.
 * Never put its result inside a code span: backslashes are literal there.
 */
export function escapeMarkdown(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return (
    cut
      .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
      // In one pass: replacing '#' after '|' and '@' turned their entities
      // into visible text ('a|b' showed as 'a&#124;b').
      .replace(/[&<>|@#]/g, (c) => ENTITIES[c] ?? c)
      // '$' too: GitHub renders $…$ as math, which can restyle the page.
      .replace(/[\\`*_[\]~$]/g, (c) => `\\${c}`)
      // GFM links bare URLs and www. names by itself; an escape in the
      // middle keeps a user's value from becoming a link.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/(www)\./gi, '$1\\.')
  )
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  // Hexadecimal, so that no '#12…' reads as an issue reference in the text.
  '|': '&#x7C;',
  // GitHub finds @mentions and #references in the rendered text, after
  // entities are decoded, so an entity alone would not stop them: a
  // zero-width space after the sign breaks the name or number off it.
  '@': '@&#x200B;',
  '#': '#&#x200B;'
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [
    line(header),
    line(header.map(() => '---')),
    ...rows.map((r) => line(r))
  ].join('\n')
}

export const ICON = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '❌'
} as const

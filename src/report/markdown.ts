/**
 * Escaping for text that users control (image ids, names, tags, keys) on its
 * way into GitHub-flavoured Markdown, where it must render as plain text:
 * no HTML, no table breaks, no links, no @mentions or #references.
 * Never put its result inside a code span: backslashes are literal there.
 */
export function escapeMarkdown(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/@/g, '&#64;')
    .replace(/#/g, '&#35;')
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
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

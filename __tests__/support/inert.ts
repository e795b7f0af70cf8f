/**
 * Checks that a job summary or a comment renders user-controlled text as
 * plain text: the Markdown is rendered to HTML with a GFM renderer and the
 * HTML is inspected, since a Markdown string can look harmless and still
 * render a tag, a link or a broken table.
 */
import { Marked } from 'marked'

const gfm = new Marked({ gfm: true, breaks: false })

export function renderGfm(markdown: string): string {
  return gfm.parse(markdown, { async: false })
}

/** The only elements the reports produce themselves. */
const ALLOWED_TAGS = new Set([
  'h2',
  'h3',
  'p',
  'strong',
  'em',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'a'
])

/** Hidden lines the reports write on purpose; nothing else may be hidden. */
const OUR_HTML_COMMENTS = [
  /^<!-- status: (pass|warn|fail|error) -->$/,
  /^<!-- hss-image-size-gate comment-key: [^<>]* -->$/
]

/** Only the run link: a user's value must never become a link. */
const ALLOWED_LINK =
  /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+$/

/** The text a reader sees: tags dropped, entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) =>
      String.fromCodePoint(parseInt(n, 16))
    )
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/**
 * What makes the rendered Markdown unsafe or broken: an element or an
 * attribute the reports never write, a link other than the run's, a hidden
 * comment that is not ours, a table row with the wrong number of cells.
 * `shown` are values that must appear as text (their first 40 characters,
 * since long values are cut).
 */
export function inertProblems(
  markdown: string,
  shown: string[] = []
): string[] {
  const problems: string[] = []
  const html = renderGfm(markdown)

  const comments = html.match(/<!--[\s\S]*?-->/g) ?? []
  for (const comment of comments) {
    if (!OUR_HTML_COMMENTS.some((ours) => ours.test(comment))) {
      problems.push(`an HTML comment that is not the report's: ${comment}`)
    }
  }
  const body = html.replace(/<!--[\s\S]*?-->/g, '')

  for (const match of body.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const [tag, name = '', attributes = ''] = match
    if (!ALLOWED_TAGS.has(name.toLowerCase())) {
      problems.push(`a raw <${name}> element: ${tag}`)
      continue
    }
    const names = [...attributes.matchAll(/([^\s=]+)\s*=/g)].map((m) => m[1])
    const allowed = name === 'a' ? ['href'] : ['align']
    for (const attribute of names) {
      if (!allowed.includes(attribute ?? '')) {
        problems.push(`an attribute ${attribute} on <${name}>: ${tag}`)
      }
    }
    if (name === 'a' && !tag.startsWith('</')) {
      const href = /href="([^"]*)"/.exec(attributes)?.[1] ?? ''
      if (!ALLOWED_LINK.test(href)) problems.push(`a link to ${href}`)
    }
  }

  for (const table of body.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = table.match(/<tr>[\s\S]*?<\/tr>/g) ?? []
    const widths = rows.map((row) => (row.match(/<t[hd][\s>]/g) ?? []).length)
    if (new Set(widths).size > 1) {
      problems.push(`a table whose rows have ${widths.join(', ')} cells`)
    }
  }

  // GitHub links @names and #numbers found in the rendered text (and this
  // renderer does not), so none may be left for it to find.
  const text = visibleText(body)
  for (const [reference] of text.matchAll(/[@#][\w-]+/g)) {
    problems.push(`${reference} would be a mention or reference on GitHub`)
  }

  // Markdown that GFM would have turned into something: if a marker
  // survives as text, its escape worked; if it vanished, it was interpreted.
  // The zero-width spaces that break mentions are invisible to a reader.
  const seen = text.replace(/\u200B/g, '')
  for (const value of shown) {
    const start = value.replace(/[\r\n\t]+/g, ' ').slice(0, 40)
    if (!seen.includes(start)) {
      problems.push(`${JSON.stringify(start)} is not shown as text`)
    }
  }
  return problems
}

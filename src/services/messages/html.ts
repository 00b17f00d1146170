// Plain text as HTML: everything escaped, paragraphs kept, web addresses made into links.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPING = /[&<>"']/;
// Most text has nothing to escape: it is returned as it is, without a pass that replaces nothing.
export const escapeHtml = (text: string) => (NEEDS_ESCAPING.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]) : text);

const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** One line of text as HTML: everything escaped, web addresses made into links. */
function lineToHtml(line: string): string {
  if (!line.includes('http')) return escapeHtml(line);
  let html = '';
  let at = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    html += escapeHtml(line.slice(at, match.index));
    const url = escapeHtml(match[0]);
    html += `<a href="${url}">${url}</a>`;
    at = match.index + match[0].length;
  }
  return html + escapeHtml(line.slice(at));
}

/** A paragraph (text without blank lines) as HTML: its single line breaks stay line breaks. */
export const paragraphToHtml = (paragraph: string) => `<p>${paragraph.split('\n').map(lineToHtml).join('<br>\n')}</p>`;

/** Blank lines separate paragraphs. */
export function textToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map(paragraphToHtml)
    .join('\n');
}

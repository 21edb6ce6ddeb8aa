// Search results: what a row of the list shows of its match.

/** A piece of a search snippet as the server sends it: text, and whether it is a match. */
export interface SnippetPart {
  text: string
  hit: boolean
}

/**
 * Whether the snippet is the whole summary itself (the server cuts it from the line that shows
 * the query best, which may be the summary). The list then marks the words in the summary line
 * rather than showing the same text twice.
 */
export function snippetIsSummary(snippet: ReadonlyArray<SnippetPart>, field: string, summary: string): boolean {
  return field === 'body' && snippet.length > 0 && snippet.map((p) => p.text).join('') === summary
}

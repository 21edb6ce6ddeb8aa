// Search results: what a row of the list shows of its match.

/** A piece of a search snippet as the server sends it: text, and whether it is a match. */
export interface SnippetPart {
  text: string
  hit: boolean
}

/** Longest summary (in characters) the list marks in place: it fits the summary's two lines. */
export const MARKED_SUMMARY_CHARS = 20

/**
 * Whether the snippet is the whole summary itself, and a short one (the server cuts the snippet
 * from the line that shows the query best, which may be the summary). The list then marks the
 * words in the summary rather than showing the same text twice. A longer summary keeps its own
 * line and the snippet below it, where the words are in sight.
 */
export function snippetIsSummary(snippet: ReadonlyArray<SnippetPart>, field: string, summary: string): boolean {
  return (
    field === 'body' &&
    snippet.length > 0 &&
    [...summary].length <= MARKED_SUMMARY_CHARS &&
    snippet.map((p) => p.text).join('') === summary
  )
}

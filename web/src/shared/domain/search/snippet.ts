// Search results: what a row of the list shows of its match.

import type { SearchMatchDto } from '@shared/api/types'

/** Longest summary (in characters) the list marks in place: it fits the summary's two lines. */
export const MARKED_SUMMARY_CHARS = 20

/**
 * Whether the snippet is the whole summary itself, and a short one (the server cuts the snippet
 * from the line that shows the query best, which may be the summary). The list then marks the
 * words in the summary rather than showing the same text twice. A longer summary keeps its own
 * line and the snippet below it, where the words are in sight.
 */
export function snippetIsSummary(search: SearchMatchDto, summary: string): boolean {
  return (
    search.field === 'body' &&
    search.snippet.length > 0 &&
    [...summary].length <= MARKED_SUMMARY_CHARS &&
    search.snippet.map((p) => p.text).join('') === summary
  )
}

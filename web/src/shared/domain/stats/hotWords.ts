// How a hot word moved against the period before (GET /stats/hot-words answers both counts).
// Shares, not counts, are compared: a busier period has more of every word.

/** A word's share must change by this factor to count as rising or falling. */
export const TREND_FACTOR = 1.5
/** Fewer complaints than this are chance, not a trend. */
export const TREND_MIN_COMPLAINTS = 3
/** Both periods need this many complaints before their shares say anything. */
export const TREND_MIN_PERIOD = 20

/** Whether two periods have complaints enough to compare words between them. */
export function comparable(periodComplaints: number, previousComplaints: number): boolean {
  return periodComplaints >= TREND_MIN_PERIOD && previousComplaints >= TREND_MIN_PERIOD
}

export type HotWordTrend =
  /** Too few complaints in either period to compare with ([comparable]). */
  | { kind: 'unknown' }
  /** No complaint of the period before used it. */
  | { kind: 'new' }
  | { kind: 'rising'; ratio: number }
  | { kind: 'falling'; ratio: number }
  | { kind: 'steady'; ratio: number }

export interface HotWordCounts {
  /** Complaints of the period that have the word among their keywords. */
  complaints: number
  /** The same in the period before. */
  previous: number
}

/** The word's trend, given how many complaints each period had in all. */
export function hotWordTrend(w: HotWordCounts, periodComplaints: number, previousComplaints: number): HotWordTrend {
  if (!comparable(periodComplaints, previousComplaints)) return { kind: 'unknown' }
  if (w.previous === 0) return w.complaints >= TREND_MIN_COMPLAINTS ? { kind: 'new' } : { kind: 'unknown' }
  const ratio = w.complaints / periodComplaints / (w.previous / previousComplaints)
  if (ratio >= TREND_FACTOR && w.complaints >= TREND_MIN_COMPLAINTS) return { kind: 'rising', ratio }
  if (ratio <= 1 / TREND_FACTOR && w.previous >= TREND_MIN_COMPLAINTS) return { kind: 'falling', ratio }
  return { kind: 'steady', ratio }
}

/** The list with `word` added (once) or taken out, as the admin's exclusions are saved. */
export function toggled(list: readonly string[], word: string, on: boolean): string[] {
  const rest = list.filter((w) => w !== word)
  return on ? [...rest, word] : rest
}

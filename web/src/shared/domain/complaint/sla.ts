// SLA badge state (STYLE-WEB §11): normal / nearing / breached / paused, always shown with text
// and an icon. Pure: `now` comes from the shared clock.

export type SlaState = 'normal' | 'nearing' | 'breached' | 'paused' | 'met'

export interface SlaInput {
  start: string | number | Date
  due: string | number | Date
  /** The clock stands still (awaiting the customer). */
  paused?: boolean
  /** When the target was met, if it was. */
  doneAt?: string | number | Date | null
  /** Share of the time used from which it is "nearing" (default 0.75, DESIGN §3). */
  warnAt?: number
}

const ms = (v: string | number | Date) => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v))

export function slaState(i: SlaInput, now: number): { state: SlaState; remainingMs: number; usedShare: number } {
  const start = ms(i.start)
  const due = ms(i.due)
  const total = Math.max(1, due - start)
  if (i.doneAt) {
    const done = ms(i.doneAt)
    return { state: done <= due ? 'met' : 'breached', remainingMs: due - done, usedShare: (done - start) / total }
  }
  const remainingMs = due - now
  const usedShare = (now - start) / total
  if (remainingMs < 0) return { state: 'breached', remainingMs, usedShare }
  if (i.paused) return { state: 'paused', remainingMs, usedShare }
  if (usedShare >= (i.warnAt ?? 0.75)) return { state: 'nearing', remainingMs, usedShare }
  return { state: 'normal', remainingMs, usedShare }
}

/** "2h 05m" / "3d 4h" style duration parts, for i18n to format. */
export function durationParts(msAbs: number): { d: number; h: number; m: number } {
  const total = Math.floor(Math.abs(msAbs) / 60000)
  return { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60), m: total % 60 }
}

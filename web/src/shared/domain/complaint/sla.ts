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
  /** The instant it is "nearing" from, as the server counted it on the clock's own time
   * (business hours, pauses); preferred over the wall-clock share when given. */
  warnFrom?: string | number | Date | null
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
  const nearing = i.warnFrom ? now >= ms(i.warnFrom) : usedShare >= (i.warnAt ?? 0.75)
  if (nearing) return { state: 'nearing', remainingMs, usedShare }
  return { state: 'normal', remainingMs, usedShare }
}

/** "2h 05m" / "3d 4h" style duration parts, for i18n to format. */
export function durationParts(msAbs: number): { d: number; h: number; m: number } {
  const total = Math.floor(Math.abs(msAbs) / 60000)
  return { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60), m: total % 60 }
}

// --- the server's clocks (ClockDto) ------------------------------------------------------------

/** `status` of a server clock (crates/domain SLA watch). */
export type ClockStatus = 'on_track' | 'warning' | 'breached' | 'paused' | 'met' | 'met_late' | 'stopped'

/** How a badge looks: the state names the icon and the tone; `late` marks a clock met too late. */
export type BadgeLook = SlaState | 'met_late' | 'stopped'

export interface ClockLike {
  status: string
  due_at?: string | null
  met_at?: string | null
  paused: boolean
  confirmed: boolean
  percent_used: number
}

/**
 * The badge state of a server clock, kept live on the shared clock: a running clock whose due
 * time passes while the page is open turns breached without a reload.
 */
export function clockLook(c: ClockLike, now: number): { look: BadgeLook; remainingMs: number | null } {
  const due = c.due_at ? Date.parse(c.due_at) : NaN
  const remainingMs = Number.isNaN(due) ? null : due - (c.met_at ? Date.parse(c.met_at) : now)
  switch (c.status as ClockStatus) {
    case 'met':
      return { look: 'met', remainingMs }
    case 'met_late':
      return { look: 'met_late', remainingMs }
    case 'stopped':
      return { look: 'stopped', remainingMs }
    case 'paused':
      return { look: c.percent_used >= 100 || (remainingMs !== null && remainingMs < 0) ? 'breached' : 'paused', remainingMs }
    case 'breached':
      return { look: 'breached', remainingMs }
    case 'warning':
      return { look: remainingMs !== null && remainingMs < 0 ? 'breached' : 'nearing', remainingMs }
    default:
      return { look: remainingMs !== null && remainingMs < 0 ? 'breached' : 'normal', remainingMs }
  }
}

/** Element Plus tag type and icon name per look (never colour alone: the badge adds text). */
export const BADGE_LOOK: Record<BadgeLook, { tone: 'success' | 'warning' | 'danger' | 'info'; icon: string }> = {
  normal: { tone: 'success', icon: 'clock' },
  nearing: { tone: 'warning', icon: 'warning' },
  breached: { tone: 'danger', icon: 'breached' },
  paused: { tone: 'info', icon: 'paused' },
  met: { tone: 'success', icon: 'met' },
  met_late: { tone: 'warning', icon: 'met' },
  stopped: { tone: 'info', icon: 'stopped' },
}

/** A queue row's countdown: the earliest running clock (`due_at`), paused while waiting on the customer. */
export function rowSlaInput(row: {
  received_at: string
  due_at?: string | null
  warn_at?: string | null
  state: string
}): SlaInput | null {
  if (!row.due_at) return null
  return { start: row.received_at, due: row.due_at, paused: row.state === 'awaiting_customer', warnFrom: row.warn_at }
}

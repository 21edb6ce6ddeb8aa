// The business calendar as the admin edits it: month grids of one year with its holidays (放假)
// and make-up working days (调休上班), the edit form ↔ the PUT body, and imported JSON files.
// Pure: dates are `YYYY-MM-DD` strings in China Standard Time, never Date objects in the browser
// zone, so a grid is the same wherever the browser is.

import type { NamedDay, YearSchedule } from '../../api/types'

export type DayKind = 'holiday' | 'make_up_workday'

export interface DayCell {
  date: string
  day: number
  /** 0 = Monday … 6 = Sunday (Chinese calendars start the week on Monday). */
  weekday: number
  weekend: boolean
  kind: DayKind | null
  name: string
  /** A working day after the schedule (weekdays unless a holiday, plus make-up days). */
  working: boolean
}

export interface MonthGrid {
  month: number
  /** Rows of 7; `null` pads the first and last week. */
  weeks: (DayCell | null)[][]
  holidays: number
  workdays: number
  working: number
}

const pad = (n: number) => String(n).padStart(2, '0')

export function ymd(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`
}

/** Days in the month (1-based month), by the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Monday-based weekday of a date: 0 = Monday … 6 = Sunday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7
}

/** The special days by date. */
export function dayIndex(days: readonly { date: string; kind: string; name: string }[]): Map<string, { kind: DayKind; name: string }> {
  const m = new Map<string, { kind: DayKind; name: string }>()
  for (const d of days) {
    if (d.kind === 'holiday' || d.kind === 'make_up_workday') m.set(d.date, { kind: d.kind, name: d.name })
  }
  return m
}

export function monthGrid(year: number, month: number, index: Map<string, { kind: DayKind; name: string }>): MonthGrid {
  const n = daysInMonth(year, month)
  const first = weekdayOf(year, month, 1)
  const cells: (DayCell | null)[] = Array.from({ length: first }, () => null)
  let holidays = 0
  let workdays = 0
  let working = 0
  for (let d = 1; d <= n; d++) {
    const date = ymd(year, month, d)
    const weekday = (first + d - 1) % 7
    const weekend = weekday >= 5
    const special = index.get(date)
    const kind = special?.kind ?? null
    const isWorking = kind === 'make_up_workday' ? true : kind === 'holiday' ? false : !weekend
    if (kind === 'holiday') holidays++
    if (kind === 'make_up_workday') workdays++
    if (isWorking) working++
    cells.push({ date, day: d, weekday, weekend, kind, name: special?.name ?? '', working: isWorking })
  }
  while (cells.length % 7) cells.push(null)
  const weeks: (DayCell | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return { month, weeks, holidays, workdays, working }
}

/** Twelve month grids of a year. */
export function yearGrid(year: number, days: readonly { date: string; kind: string; name: string }[]): MonthGrid[] {
  const index = dayIndex(days)
  return Array.from({ length: 12 }, (_, i) => monthGrid(year, i + 1, index))
}

// --- the edit form ------------------------------------------------------------------------------

export interface DayRow {
  date: string
  name: string
  kind: DayKind
}

export interface YearForm {
  year: number
  source: string
  rows: DayRow[]
}

/** The form for a stored schedule (sorted by date). */
export function formFromSchedule(year: number, s: YearSchedule | null | undefined): YearForm {
  const rows: DayRow[] = [
    ...(s?.holidays ?? []).map((d) => ({ date: d.date, name: d.name, kind: 'holiday' as const })),
    ...(s?.workdays ?? []).map((d) => ({ date: d.date, name: d.name, kind: 'make_up_workday' as const })),
  ].sort((a, b) => a.date.localeCompare(b.date))
  return { year, source: s?.source ?? '', rows }
}

/** The PUT body: trimmed names, sorted dates, empty rows dropped. */
export function scheduleFromForm(f: YearForm): YearSchedule {
  const clean = f.rows
    .map((r) => ({ ...r, date: r.date.trim(), name: r.name.trim() }))
    .filter((r) => r.date)
    .sort((a, b) => a.date.localeCompare(b.date))
  const pick = (k: DayKind): NamedDay[] => clean.filter((r) => r.kind === k).map((r) => ({ date: r.date, name: r.name }))
  const out: YearSchedule = { holidays: pick('holiday'), workdays: pick('make_up_workday') }
  if (f.source.trim()) out.source = f.source.trim()
  return out
}

export interface RowProblem {
  index: number
  field: 'date' | 'name'
  code: 'required' | 'format' | 'other_year' | 'duplicate' | 'weekend_workday' | 'weekday_only'
}

/**
 * What the browser can tell before sending: a date of this year, once; a name. The server checks
 * again (and names the field `holidays[3].date` etc.).
 */
export function checkForm(f: YearForm): RowProblem[] {
  const out: RowProblem[] = []
  const seen = new Set<string>()
  f.rows.forEach((r, index) => {
    const date = r.date.trim()
    if (!date) out.push({ index, field: 'date', code: 'required' })
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) out.push({ index, field: 'date', code: 'format' })
    else if (!date.startsWith(`${f.year}-`)) out.push({ index, field: 'date', code: 'other_year' })
    else if (seen.has(date)) out.push({ index, field: 'date', code: 'duplicate' })
    seen.add(date)
    if (!r.name.trim()) out.push({ index, field: 'name', code: 'required' })
  })
  return out
}

/**
 * Server field paths (`holidays[2].date`, `workdays[0].name`) → the form row they mean. The
 * server numbers holidays and workdays separately in the order sent (`scheduleFromForm`).
 */
export function rowOfServerField(f: YearForm, field: string): { index: number; field: string } | null {
  const m = /^(holidays|workdays)\[(\d+)\](?:\.(\w+))?$/.exec(field)
  if (!m) return null
  const kind: DayKind = m[1] === 'holidays' ? 'holiday' : 'make_up_workday'
  const sent = f.rows
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => r.date.trim() && r.kind === kind)
    .sort((a, b) => a.r.date.trim().localeCompare(b.r.date.trim()))
  const hit = sent[Number(m[2])]
  return hit ? { index: hit.index, field: m[3] ?? 'date' } : null
}

// --- import -------------------------------------------------------------------------------------

export interface ParsedImport {
  years: Record<string, YearSchedule>
  summary: { year: number; holidays: number; workdays: number }[]
}

/**
 * Reads a calendar JSON file: `{"years": {"2027": {source, holidays, workdays}}}` (as shipped in
 * crates/domain/data/holidays-cn.json), or one year `{"year": 2027, holidays, workdays}`.
 * Throws an Error whose message is an i18n key.
 */
export function parseCalendarFile(text: string): ParsedImport {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new Error('calendar.import.notJson')
  }
  if (!doc || typeof doc !== 'object') throw new Error('calendar.import.shape')
  let years: Record<string, unknown>
  const d = doc as Record<string, unknown>
  if (d.years && typeof d.years === 'object' && !Array.isArray(d.years)) years = d.years as Record<string, unknown>
  else if (typeof d.year === 'number' && Array.isArray(d.holidays)) years = { [String(d.year)]: d }
  else throw new Error('calendar.import.shape')
  const out: Record<string, YearSchedule> = {}
  const summary: ParsedImport['summary'] = []
  for (const [y, v] of Object.entries(years)) {
    if (!/^\d{4}$/.test(y) || !v || typeof v !== 'object') throw new Error('calendar.import.shape')
    const s = v as Record<string, unknown>
    const list = (x: unknown): NamedDay[] => {
      if (x === undefined) return []
      if (!Array.isArray(x)) throw new Error('calendar.import.shape')
      return x.map((e) => {
        const o = e as Record<string, unknown>
        if (!o || typeof o.date !== 'string') throw new Error('calendar.import.shape')
        return { date: o.date, name: typeof o.name === 'string' ? o.name : '' }
      })
    }
    const sched: YearSchedule = { holidays: list(s.holidays), workdays: list(s.workdays) }
    if (typeof s.source === 'string') sched.source = s.source
    out[y] = sched
    summary.push({ year: Number(y), holidays: sched.holidays.length, workdays: sched.workdays.length })
  }
  if (!summary.length) throw new Error('calendar.import.empty')
  return { years: out, summary: summary.sort((a, b) => a.year - b.year) }
}

// --- working hours -----------------------------------------------------------------------------

const HM = /^([01]\d|2[0-3]):[0-5]\d$/

export function minutesOf(hm: string): number {
  const [h, m] = hm.split(':').map(Number)
  return h * 60 + m
}

/** Problems of the working windows: format, start < end, no overlaps (in order). Codes are i18n keys. */
export function checkHours(hours: readonly { start: string; end: string }[]): { index: number; code: string }[] {
  const out: { index: number; code: string }[] = []
  if (!hours.length) return [{ index: -1, code: 'calendar.hours.none' }]
  hours.forEach((w, index) => {
    if (!HM.test(w.start) || !HM.test(w.end)) out.push({ index, code: 'calendar.hours.format' })
    else if (minutesOf(w.start) >= minutesOf(w.end)) out.push({ index, code: 'calendar.hours.order' })
    else if (index > 0 && HM.test(hours[index - 1].end) && minutesOf(w.start) < minutesOf(hours[index - 1].end))
      out.push({ index, code: 'calendar.hours.overlap' })
  })
  return out
}

/** Working minutes per day of the windows. */
export function dayMinutes(hours: readonly { start: string; end: string }[]): number {
  return hours.reduce((s, w) => (HM.test(w.start) && HM.test(w.end) ? s + Math.max(0, minutesOf(w.end) - minutesOf(w.start)) : s), 0)
}

import { describe, expect, it } from 'vitest'
import {
  checkForm,
  checkHours,
  dayMinutes,
  formFromSchedule,
  monthGrid,
  dayIndex,
  parseCalendarFile,
  rowOfServerField,
  scheduleFromForm,
  weekdayOf,
  yearGrid,
} from '../calendar'

// 2026 Spring Festival: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked.
const days = [
  { date: '2026-02-14', kind: 'make_up_workday', name: '春节调休上班' },
  ...[15, 16, 17, 18, 19, 20, 21, 22, 23].map((d) => ({ date: `2026-02-${d}`, kind: 'holiday', name: '春节' })),
  { date: '2026-02-28', kind: 'make_up_workday', name: '春节调休上班' },
]

describe('month grid', () => {
  it('starts weeks on Monday and pads the first and last week', () => {
    expect(weekdayOf(2026, 2, 1)).toBe(6) // a Sunday
    const g = monthGrid(2026, 2, dayIndex(days))
    expect(g.weeks[0].slice(0, 6)).toEqual([null, null, null, null, null, null])
    expect(g.weeks[0][6]?.date).toBe('2026-02-01')
    expect(g.weeks.every((w) => w.length === 7)).toBe(true)
    expect(g.weeks.flat().filter(Boolean)).toHaveLength(28)
  })

  it('marks days off and make-up working days and counts working days', () => {
    const g = monthGrid(2026, 2, dayIndex(days))
    const cell = (d: string) => g.weeks.flat().find((c) => c?.date === d)!
    expect(cell('2026-02-14')).toMatchObject({ kind: 'make_up_workday', weekend: true, working: true, name: '春节调休上班' })
    expect(cell('2026-02-16')).toMatchObject({ kind: 'holiday', weekend: false, working: false })
    expect(cell('2026-02-21')).toMatchObject({ kind: 'holiday', weekend: true, working: false })
    expect(cell('2026-02-24')).toMatchObject({ kind: null, working: true })
    // 20 weekdays in Feb 2026, 7 of them off (16–20, 23 … and 15/21/22 are weekend), +2 make-up days.
    expect(g.holidays).toBe(9)
    expect(g.workdays).toBe(2)
    expect(g.working).toBe(20 - 6 + 2)
  })

  it('builds twelve months for a year', () => {
    const y = yearGrid(2028, [])
    expect(y).toHaveLength(12)
    expect(y.reduce((s, m) => s + m.working, 0)).toBe(260) // Monday–Friday of 2028
  })
})

describe('year form ↔ PUT body', () => {
  it('round-trips a schedule, sorted, trimmed, with the source', () => {
    const form = formFromSchedule(2027, {
      source: '通知',
      holidays: [{ date: '2027-10-01', name: '国庆节' }, { date: '2027-01-01', name: '元旦' }],
      workdays: [{ date: '2027-09-26', name: '国庆节调休上班' }],
    })
    expect(form.rows.map((r) => r.date)).toEqual(['2027-01-01', '2027-09-26', '2027-10-01'])
    form.rows[0].name = '  元旦 '
    form.rows.push({ date: '', name: '', kind: 'holiday' })
    expect(scheduleFromForm(form)).toEqual({
      source: '通知',
      holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-10-01', name: '国庆节' }],
      workdays: [{ date: '2027-09-26', name: '国庆节调休上班' }],
    })
    expect(scheduleFromForm({ ...form, source: ' ' }).source).toBeUndefined()
  })

  it('finds the problems the browser can see', () => {
    const f = {
      year: 2027,
      source: '',
      rows: [
        { date: '2027-01-01', name: '元旦', kind: 'holiday' as const },
        { date: '2026-12-31', name: 'x', kind: 'holiday' as const },
        { date: '2027-01-01', name: '', kind: 'make_up_workday' as const },
        { date: '2027-13-01', name: 'y', kind: 'holiday' as const },
      ],
    }
    expect(checkForm(f)).toEqual([
      { index: 1, field: 'date', code: 'other_year' },
      { index: 2, field: 'date', code: 'duplicate' },
      { index: 2, field: 'name', code: 'required' },
      { index: 3, field: 'date', code: 'format' },
    ])
  })

  it('maps the server field names back to the form rows', () => {
    const f = {
      year: 2027,
      source: '',
      rows: [
        { date: '2027-10-01', name: 'a', kind: 'holiday' as const },
        { date: '2027-09-26', name: 'b', kind: 'make_up_workday' as const },
        { date: '2027-01-01', name: 'c', kind: 'holiday' as const },
      ],
    }
    // Sent sorted: holidays [01-01 (row 2), 10-01 (row 0)], workdays [09-26 (row 1)].
    expect(rowOfServerField(f, 'holidays[0].date')).toEqual({ index: 2, field: 'date' })
    expect(rowOfServerField(f, 'holidays[1].name')).toEqual({ index: 0, field: 'name' })
    expect(rowOfServerField(f, 'workdays[0]')).toEqual({ index: 1, field: 'date' })
    expect(rowOfServerField(f, 'source')).toBeNull()
  })
})

describe('import file', () => {
  it('reads the shipped document format', () => {
    const p = parseCalendarFile(JSON.stringify({ years: { 2028: { source: 's', holidays: [{ date: '2028-01-01', name: '元旦' }] }, 2027: { holidays: [], workdays: [{ date: '2027-02-07', name: '班' }] } } }))
    expect(p.summary).toEqual([
      { year: 2027, holidays: 0, workdays: 1 },
      { year: 2028, holidays: 1, workdays: 0 },
    ])
    expect(p.years['2028']).toEqual({ source: 's', holidays: [{ date: '2028-01-01', name: '元旦' }], workdays: [] })
  })

  it('reads a single year too', () => {
    expect(parseCalendarFile(JSON.stringify({ year: 2029, holidays: [{ date: '2029-01-01', name: '元旦' }] })).summary).toEqual([{ year: 2029, holidays: 1, workdays: 0 }])
  })

  it('names what is wrong with a bad file', () => {
    expect(() => parseCalendarFile('{nope')).toThrow('calendar.import.notJson')
    expect(() => parseCalendarFile('[1]')).toThrow('calendar.import.shape')
    expect(() => parseCalendarFile('{"years": {"2027": {"holidays": "x"}}}')).toThrow('calendar.import.shape')
    expect(() => parseCalendarFile('{"years": {"27": {}}}')).toThrow('calendar.import.shape')
    expect(() => parseCalendarFile('{"years": {}}')).toThrow('calendar.import.empty')
  })
})

describe('working hours', () => {
  it('accepts ordered windows and adds them up', () => {
    const h = [
      { start: '09:00', end: '12:00' },
      { start: '13:30', end: '18:00' },
    ]
    expect(checkHours(h)).toEqual([])
    expect(dayMinutes(h)).toBe(450)
  })

  it('names bad, reversed and overlapping windows', () => {
    expect(checkHours([])).toEqual([{ index: -1, code: 'calendar.hours.none' }])
    expect(
      checkHours([
        { start: '9:00', end: '12:00' },
        { start: '14:00', end: '13:00' },
        { start: '12:30', end: '18:00' },
      ]).map((p) => p.code),
    ).toEqual(['calendar.hours.format', 'calendar.hours.order', 'calendar.hours.overlap'])
    expect(checkHours([{ start: '09:00', end: '12:00' }, { start: '11:00', end: '18:00' }])).toEqual([{ index: 1, code: 'calendar.hours.overlap' }])
  })
})

import { describe, expect, it } from 'vitest'
import { BADGE_LOOK, clockLook, rowSlaInput, slaState } from '../sla'

const now = Date.parse('2026-11-22T10:00:00Z')
const clock = (over: Partial<Parameters<typeof clockLook>[0]>) => ({
  status: 'on_track',
  due_at: '2026-11-22T12:00:00Z',
  met_at: null,
  paused: false,
  confirmed: true,
  percent_used: 50,
  ...over,
})

describe('server clock → badge look', () => {
  it('maps every status the server sends', () => {
    expect(clockLook(clock({}), now)).toEqual({ look: 'normal', remainingMs: 2 * 3600_000 })
    expect(clockLook(clock({ status: 'warning', percent_used: 80 }), now).look).toBe('nearing')
    expect(clockLook(clock({ status: 'breached', due_at: '2026-11-22T09:00:00Z' }), now).look).toBe('breached')
    expect(clockLook(clock({ status: 'paused', paused: true, percent_used: 40 }), now).look).toBe('paused')
    expect(clockLook(clock({ status: 'met', met_at: '2026-11-22T11:00:00Z' }), now)).toEqual({ look: 'met', remainingMs: 3600_000 })
    expect(clockLook(clock({ status: 'met_late', met_at: '2026-11-22T13:30:00Z' }), now)).toEqual({ look: 'met_late', remainingMs: -1.5 * 3600_000 })
    expect(clockLook(clock({ status: 'stopped' }), now).look).toBe('stopped')
  })

  it('turns a running clock breached once its due time passes on the shared clock', () => {
    const later = Date.parse('2026-11-22T12:01:00Z')
    expect(clockLook(clock({}), later).look).toBe('breached')
    expect(clockLook(clock({ status: 'warning' }), later).look).toBe('breached')
  })

  it('shows a clock paused after its deadline as breached (it stays overdue)', () => {
    expect(clockLook(clock({ status: 'paused', paused: true, percent_used: 130, due_at: '2026-11-21T05:00:00Z' }), now).look).toBe('breached')
  })

  it('has no countdown while paused without a due time', () => {
    expect(clockLook(clock({ status: 'paused', paused: true, due_at: null }), now)).toEqual({ look: 'paused', remainingMs: null })
  })

  it('gives every look a tone and an icon (never colour alone)', () => {
    for (const l of Object.values(BADGE_LOOK)) {
      expect(l.tone).toBeTruthy()
      expect(l.icon).toBeTruthy()
    }
    expect(BADGE_LOOK.breached.tone).toBe('danger')
    expect(BADGE_LOOK.met_late.tone).toBe('warning')
  })
})

describe('queue row countdown', () => {
  it('counts to the earliest running clock and pauses while waiting on the customer', () => {
    const row = { received_at: '2026-11-22T00:00:00Z', due_at: '2026-11-22T12:00:00Z', state: 'investigating' }
    expect(slaState(rowSlaInput(row)!, now).state).toBe('nearing') // 10 h of 12 used
    expect(slaState(rowSlaInput({ ...row, state: 'awaiting_customer' })!, now).state).toBe('paused')
    expect(slaState(rowSlaInput({ ...row, due_at: '2026-11-22T08:00:00Z' })!, now).state).toBe('breached')
    expect(rowSlaInput({ ...row, due_at: null })).toBeNull()
  })
})

describe('a queue row nearing its due time', () => {
  it('follows the server’s warning instant (business hours, pauses) over the wall-clock share', () => {
    // Received 08:00, due 18:00 two days later: by wall clock 10:00 is early, but the server says
    // the business-time warning instant has passed.
    const row = { received_at: '2026-11-21T08:00:00Z', due_at: '2026-11-23T18:00:00Z', warn_at: '2026-11-22T09:30:00Z', state: 'investigating' }
    expect(slaState(rowSlaInput(row)!, now).state).toBe('nearing')
    expect(slaState(rowSlaInput({ ...row, warn_at: '2026-11-22T11:00:00Z' })!, now).state).toBe('normal')
    // Without the server's instant, the share of wall-clock time decides (75 %).
    expect(slaState(rowSlaInput({ ...row, warn_at: null })!, now).state).toBe('normal')
  })
})

import { describe, expect, it } from 'vitest'
import { EVENT_KINDS, eventAudience, eventLook, eventText, isSystemEvent, pickBilingual } from '../events'
import { durationParts, slaState } from '../sla'

describe('timeline events', () => {
  it('gives every kind an icon', () => {
    for (const k of EVENT_KINDS) expect(eventLook(k).icon).toBeTruthy()
    expect(eventLook('unknown_kind').icon).toBe('note')
  })
  it('keeps internal notes apart from what the customer sees', () => {
    expect(eventAudience({ kind: 'note_added', payload: { visibility: 'internal', text: 'x' } })).toBe('internal')
    expect(eventAudience({ kind: 'note_added', payload: { visibility: 'customer', text: 'x' } })).toBe('customer')
    expect(eventAudience({ kind: 'customer_agreed', actor_kind: 'customer', payload: {} })).toBe('customer')
    expect(eventAudience({ kind: 'assigned', actor_kind: 'user', payload: {} })).toBe('record')
  })
  it('finds the free text of an event', () => {
    expect(eventText({ kind: 'transferred', payload: { reason: '不属于本部门' } })).toBe('不属于本部门')
    expect(eventText({ kind: 'satisfaction_recorded', payload: { satisfaction: { stars: 2, comment: '太慢' } } })).toBe('太慢')
    expect(eventText({ kind: 'remedy_proposed', payload: { remedy: { measures: [], explanation: '赔偿' } } })).toBe('赔偿')
    expect(eventText({ kind: 'archived', payload: {} })).toBe('')
  })
})

describe('SLA badge', () => {
  const start = Date.parse('2026-11-22T00:00:00Z')
  const due = start + 24 * 3600_000
  it('is normal, nearing, breached, paused or met', () => {
    expect(slaState({ start, due }, start + 3600_000).state).toBe('normal')
    expect(slaState({ start, due }, start + 20 * 3600_000).state).toBe('nearing')
    expect(slaState({ start, due }, due + 1).state).toBe('breached')
    expect(slaState({ start, due, paused: true }, start + 20 * 3600_000).state).toBe('paused')
    expect(slaState({ start, due, doneAt: start + 3600_000 }, due + 99).state).toBe('met')
  })
  it('splits durations', () => {
    expect(durationParts(26 * 3600_000 + 5 * 60_000)).toEqual({ d: 1, h: 2, m: 5 })
  })
})

describe('system events', () => {
  it('keeps the part of a bilingual system reason in the current language', () => {
    const r = '处理完成超时，系统自动升级 / Resolution overdue, escalated automatically'
    expect(pickBilingual(r, 'zh-CN')).toBe('处理完成超时，系统自动升级')
    expect(pickBilingual(r, 'en-US')).toBe('Resolution overdue, escalated automatically')
    // Text that merely contains " / " is left alone.
    expect(pickBilingual('A / B', 'zh-CN')).toBe('A / B')
    expect(pickBilingual('退款 / 换货', 'en-US')).toBe('退款 / 换货')
  })
  it('tells system events apart and gives SLA alerts a clock', () => {
    expect(isSystemEvent({ actor_kind: 'system' })).toBe(true)
    expect(isSystemEvent({ actor_kind: 'user' })).toBe(false)
    expect(eventLook('sla_alert')).toEqual({ icon: 'clock', tone: 'warning' })
  })
})

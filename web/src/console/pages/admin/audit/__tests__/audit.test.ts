import { describe, expect, it } from 'vitest'
import zh from '@shared/i18n/zh-CN/admin.json'
import en from '@shared/i18n/en-US/admin.json'
import { AUDIT_PAGE, actionKey, auditQuery, dayRange, detailFields, detailText, emptyDetail } from '../useAudit'

describe('audit log entries', () => {
  it('name an action by the key its code maps to, in both languages', () => {
    expect(actionKey('admin.routing_rule.create')).toBe('admin.audit.actions.admin_routing_rule_create')
    for (const code of ['auth.login', 'pii.reveal', 'admin.routing_model.train', 'routing.retrain']) {
      const key = actionKey(code).split('.').pop()!
      expect((zh.audit.actions as Record<string, string>)[key], code).toBeTruthy()
      expect((en.audit.actions as Record<string, string>)[key], code).toBeTruthy()
    }
  })

  it('show a detail that says nothing as a dash', () => {
    expect(emptyDetail({})).toBe(true)
    expect(emptyDetail(null)).toBe(true)
    expect(emptyDetail({ year: 2027 })).toBe(false)
    expect(emptyDetail([])).toBe(true)
  })

  it('are asked for with the filters given, and the next page after the last id', () => {
    const none = { action: null, userId: null, target: null, range: null }
    expect(auditQuery(none)).toEqual({ limit: AUDIT_PAGE })
    const all = { action: 'pii.reveal', userId: 0, target: 'customer:12', range: ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'] as [string, string] }
    expect(auditQuery(all, 57)).toEqual({
      limit: AUDIT_PAGE,
      action: 'pii.reveal',
      user_id: 0,
      target: 'customer:12',
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      before: 57,
    })
  })

  it('take the days picked whole, in the browser\'s time zone', () => {
    expect(dayRange(null)).toBeNull()
    expect(dayRange(['2026-01-31', '2026-02-28'])).toEqual([new Date(2026, 0, 31).toISOString(), new Date(2026, 2, 1).toISOString()])
    expect(dayRange(['2026-12-31', '2026-12-31'])).toEqual([new Date(2026, 11, 31).toISOString(), new Date(2027, 0, 1).toISOString()])
  })

  it('read a detail as its fields, empty ones left out', () => {
    expect(detailText({ complaint_id: 61, reason: '回电核实', note: null, x: '' })).toBe('complaint_id: 61 · reason: 回电核实')
    expect(detailText({ years: [2026, 2027], hours: { start: '09:00' } })).toBe('years: [2026,2027] · hours: {"start":"09:00"}')
    expect(detailText([1, 2])).toBe('[1,2]')
    expect(detailText('x')).toBe('"x"')
  })

  it('link the complaint a detail names', () => {
    expect(detailFields({ complaint_id: 61, reason: '回电' })).toEqual([
      { key: 'complaint_id', value: '61', complaint: 61 },
      { key: 'reason', value: '回电' },
    ])
    expect(detailFields({ complaint_id: '61' })[0].complaint).toBeUndefined()
  })
})

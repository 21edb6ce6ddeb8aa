import { describe, expect, it } from 'vitest'
import { messages } from '../../../i18n'
import { ALERT_KINDS, ALERT_SEVERITIES, alertBody, alertIcon, alertTarget, alertTitle, alertTone, batchComplaints } from '../alerts'

const base = { title_zh: '超时', title_en: 'Overdue', body_zh: '内容', body_en: '', data: {} }

describe('alerts', () => {
  it('links an alert to its complaint, a calendar gap to the calendar page, a training to routing', () => {
    expect(alertTarget({ ...base, kind: 'sla_breach', case_no: 'TS1', complaint_id: 1 })).toEqual({ name: 'complaint', params: { key: 'TS1' } })
    expect(alertTarget({ ...base, kind: 'calendar' })).toEqual({ name: 'admin-calendar' })
    expect(alertTarget({ ...base, kind: 'routing' })).toEqual({ name: 'admin-routing' })
    expect(alertTarget({ ...base, kind: 'batch' })).toBeNull()
  })

  it('lists the complaints behind a batch warning', () => {
    const a = { ...base, kind: 'batch', data: { complaints: [{ id: 3, case_no: 'TS3' }, { bad: true }, null] } }
    expect(batchComplaints(a)).toEqual([{ id: 3, case_no: 'TS3' }])
    expect(batchComplaints({ ...base, kind: 'sla_warning', data: { complaints: [{ id: 1, case_no: 'x' }] } })).toEqual([])
    expect(batchComplaints({ ...base, kind: 'batch', data: null })).toEqual([])
  })

  it('speaks the user language, falling back to the other one', () => {
    expect(alertTitle({ ...base, kind: 'x' }, 'en-US')).toBe('Overdue')
    expect(alertTitle({ ...base, kind: 'x' }, 'zh-CN')).toBe('超时')
    expect(alertBody({ ...base, kind: 'x' }, 'en-US')).toBe('内容')
  })

  it('gives severities tones and kinds icons and labels', () => {
    expect(alertTone('critical')).toBe('danger')
    expect(alertTone('warning')).toBe('warning')
    expect(alertTone('info')).toBe('info')
    for (const k of ALERT_KINDS) {
      expect(alertIcon(k)).not.toBe('bell')
      for (const loc of ['zh-CN', 'en-US'] as const) {
        const a = (messages[loc] as Record<string, Record<string, Record<string, string>>>).alerts
        expect(typeof a.kind[k], `${loc} alerts.kind.${k}`).toBe('string')
      }
    }
    for (const s of ALERT_SEVERITIES) expect(typeof (messages['en-US'] as never as { alerts: { severity: Record<string, string> } }).alerts.severity[s]).toBe('string')
  })
})

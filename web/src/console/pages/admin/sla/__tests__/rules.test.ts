import { describe, expect, it } from 'vitest'
import {
  checkPolicy,
  checkSettings,
  cleanWords,
  policyErrorKey,
  policyForm,
  policyPayload,
  settingsErrorKey,
  settingsForm,
  settingsPayload,
  targetForm,
  targetMinutes,
} from '../rules'
import type { AlertSettings, SlaPolicy } from '@shared/api/types'

const policy: SlaPolicy = {
  rules: [
    ...[1, 2, 3].flatMap((severity) =>
      (['vip', 'normal'] as const).map((tier) => ({
        severity,
        tier,
        response: { clock: 'business' as const, minutes: 240 },
        resolution: { clock: 'calendar' as const, minutes: 1440 },
      })),
    ),
    { severity: 2, tier: 'normal', category_id: 12, response: { clock: 'calendar', minutes: 45 }, resolution: { clock: 'calendar', minutes: 720 } },
  ],
}

describe('SLA policy form', () => {
  it('shows whole hours in hours and the rest in minutes', () => {
    expect(targetForm({ clock: 'business', minutes: 2400 })).toEqual({ clock: 'business', value: 40, unit: 'h' })
    expect(targetForm({ clock: 'calendar', minutes: 45 })).toEqual({ clock: 'calendar', value: 45, unit: 'min' })
    expect(targetMinutes({ clock: 'calendar', value: 1.5, unit: 'h' })).toBe(90)
  })

  it('orders rules and round-trips them to the PUT body', () => {
    const rows = policyForm(policy)
    expect(rows.map((r) => `${r.severity}${r.tier}${r.category_id ?? ''}`)).toEqual(['1normal', '1vip', '2normal', '2normal12', '2vip', '3normal', '3vip'])
    const back = policyPayload(rows)
    expect(back.rules).toHaveLength(7)
    expect(back.rules[3]).toEqual(policy.rules[6])
    expect('category_id' in back.rules[0]).toBe(false)
    expect(checkPolicy(rows)).toEqual({})
  })

  it('finds missing base rules, duplicates, zero targets and a resolution shorter than the response', () => {
    const rows = policyForm(policy)
    rows[0].response.value = 0
    rows[2].resolution = { clock: 'business', value: 1, unit: 'h' } // 4 h response on the same clock
    rows.push({ ...rows[3], key: 99 })
    const bad = checkPolicy(rows.filter((r) => !(r.severity === 3 && r.tier === 'vip')))
    expect(bad).toMatchObject({
      '0.response': 'slaAdmin.rule.target',
      '2.resolution': 'slaAdmin.rule.order',
      '6.severity': 'slaAdmin.rule.duplicate',
      _: 'slaAdmin.rule.missingBase',
    })
  })

  it('maps server field paths to the rows', () => {
    expect(policyErrorKey('rules[3].response.minutes')).toBe('3.response')
    expect(policyErrorKey('rules[0].resolution.clock')).toBe('0.resolution')
    expect(policyErrorKey('rules[2].category_id')).toBe('2.category_id')
    expect(policyErrorKey('rules')).toBe('_')
  })
})

const settings: AlertSettings = {
  thresholds: { warn_percents: [75, 90], escalate_percents: [100, 150, 200] },
  risk: { words: ['媒体', '律师'], yellow_at: 20, orange_at: 40, red_at: 70 },
  batch: { window_hours: 24, baseline_days: 28, spike_percent: 300, min_count: 5, share_percent: 30, share_min_total: 20 },
}

describe('warning settings form', () => {
  it('round-trips to the PUT body', () => {
    expect(settingsPayload(settingsForm(settings))).toEqual(settings)
  })

  it('cleans the risk words: split, trimmed, once each', () => {
    expect(cleanWords([' 媒体 ', '律师，起诉', '媒体', '', '12315 消协'])).toEqual(['媒体', '律师', '起诉', '12315', '消协'])
    const f = settingsForm(settings)
    f.words = ['曝光、电视台']
    expect(settingsPayload(f).risk.words).toEqual(['曝光', '电视台'])
  })

  it('checks thresholds and colours like the server', () => {
    const f = settingsForm(settings)
    expect(checkSettings(f)).toEqual({})
    f.warn = [90, 75, 120]
    f.escalate = [90]
    f.red_at = 30
    expect(checkSettings(f)).toEqual({
      'warn.2': 'slaAdmin.rule.warnRange',
      warn: 'slaAdmin.rule.increasing',
      'escalate.0': 'slaAdmin.rule.escalateRange',
      red_at: 'slaAdmin.rule.riskOrder',
    })
  })

  it('maps server field paths to the inputs', () => {
    expect(settingsErrorKey('thresholds.warn_percents[0]')).toBe('warn.0')
    expect(settingsErrorKey('thresholds.warn_percents')).toBe('warn')
    expect(settingsErrorKey('thresholds.escalate_percents[2]')).toBe('escalate.2')
    expect(settingsErrorKey('risk.red_at')).toBe('red_at')
    expect(settingsErrorKey('risk.words[3]')).toBe('words')
    expect(settingsErrorKey('batch.window_hours')).toBe('batch.window_hours')
    expect(settingsErrorKey('something.else')).toBe('_')
  })
})

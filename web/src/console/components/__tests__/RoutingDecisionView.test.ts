import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createAppI18n, messages } from '@shared/i18n'
import RoutingDecisionView from '../RoutingDecisionView.vue'
import type { RoutingDecision } from '@shared/domain/complaint/routing'

function mountWith(decision: RoutingDecision | null, locale: 'zh-CN' | 'en-US' = 'zh-CN') {
  return mount(RoutingDecisionView, { props: { decision }, global: { plugins: [createAppI18n(locale)] } })
}

const assigned: RoutingDecision = {
  outcome: 'assigned',
  rules: [
    { rule_id: 1, name: '退款', matched: '退款' },
    { rule_id: 3, name: '法律风险', matched: '12315' },
  ],
  department: { id: 9, label: '财务部', source: 'rule', rule_id: 1 },
  category: {
    id: 4,
    label: 'refund_delay',
    source: 'model',
    top: [
      { label: 'refund_delay', score: 0.87 },
      { label: 'return_refused', score: 0.08 },
    ],
    model_version: 2,
  },
  severity_floor: 'level1',
  flags: ['legal'],
  threshold: 0.6,
}

describe('RoutingDecisionView', () => {
  it('explains an automatic assignment with the rule, the model score and the risk', () => {
    const w = mountWith(assigned)
    expect(w.get('[data-testid="routing-outcome"]').text()).toBe('已自动分派')
    expect(w.get('[data-testid="routing-department"]').text()).toContain('规则「退款」')
    const cat = w.get('[data-testid="routing-category"]').text()
    expect(cat).toContain('置信度 87%')
    expect(cat).toContain('return_refused 8%')
    expect(w.text()).toContain('法律风险')
    expect(w.text()).toContain('级别至少 1 级')
  })

  it('shows a triage suggestion below the threshold, in English too', () => {
    const triage: RoutingDecision = {
      outcome: 'triage',
      department: { top: [{ label: 'Finance', score: 0.41 }] },
      category: {},
      threshold: 0.6,
    }
    const w = mountWith(triage, 'en-US')
    expect(w.get('[data-testid="routing-outcome"]').text()).toBe('Waiting for triage')
    expect(w.get('[data-testid="routing-department"]').text()).toContain('suggests Finance (41%), below the threshold 60%')
    expect(w.get('[data-testid="routing-category"]').text()).toContain('undecided')
  })

  it('says so when a complaint was registered without routing', () => {
    expect(mountWith(null).text()).toContain('未经智能分派')
  })
})

describe('routing messages', () => {
  it('every message compiles in both languages (no stray braces, pipes or @)', () => {
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const i18n: { global: { t: unknown } } = createAppI18n(locale)
      const leaves = (o: Record<string, unknown>, prefix: string): string[] =>
        Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? leaves(v as Record<string, unknown>, `${prefix}.${k}`) : [`${prefix}.${k}`]))
      const t = i18n.global.t as unknown as (k: string, p: Record<string, unknown>) => string
      const msgs = (messages[locale] as Record<string, unknown>).routing as Record<string, unknown>
      for (const key of leaves(msgs, 'routing')) {
        const text = t(key, { name: 'x', rule: 'x', score: 'x', label: 'x', threshold: 'x', level: 1, p: 'x', target: 'x', version: 1, department: 'x' })
        expect(text, key).not.toBe(key)
        expect(text, key).not.toMatch(/[{}]/)
      }
    }
  })
})

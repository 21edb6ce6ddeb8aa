import { describe, expect, it } from 'vitest'
import EscalationChain from '../parts/EscalationChain.vue'
import { mountWithDetail } from './mountWithDetail'

const step = (level: number, reached: boolean) => ({
  level,
  reached,
  role_zh: ['处理人', '客服主管', '部门负责人', '高层管理'][level],
  role_en: ['Handler', 'Supervisor', 'Department head', 'Executive'][level],
  people: level === 0 ? [] : [`人员${level}`],
})

function mountChain(state: string, escalationLevel: number) {
  return mountWithDetail(EscalationChain, {
    complaint: { state, escalation_level: escalationLevel },
    escalation_chain: [step(0, true), step(1, escalationLevel >= 1), step(2, escalationLevel >= 2), step(3, false)],
  })
}

describe('EscalationChain', () => {
  it('marks the level an open complaint stands at as current', () => {
    const w = mountChain('investigating', 1)
    const current = w.findAll('li[aria-current="step"]')
    expect(current).toHaveLength(1)
    expect(current[0].attributes('data-level')).toBe('1')
    expect(w.find('[data-testid="chain-ended"]').exists()).toBe(false)
  })

  it('marks no level of a finished complaint as current, and says it has ended', () => {
    for (const state of ['closed', 'archived', 'invalid']) {
      const w = mountChain(state, 1)
      expect(w.findAll('li[aria-current="step"]'), state).toHaveLength(0)
      expect(w.text(), state).not.toContain('当前')
      expect(w.get('[data-testid="chain-ended"]').text()).toBe('已结束')
      // The levels it reached stay marked; the handler's level is where every complaint starts,
      // not one it was escalated to.
      expect(w.get('li[data-level="1"]').attributes('data-reached')).toBe('true')
      expect(w.get('li[data-level="1"]').text()).toContain('已升级')
      expect(w.get('li[data-level="0"]').text()).not.toContain('已升级')
    }
  })
})

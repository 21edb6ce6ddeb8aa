import { describe, expect, it } from 'vitest'
import { messages } from '../../../i18n'
import { RISK_REASONS, reasonMessage, riskTone, sortedReasons } from '../risk'

type Tree = Record<string, unknown>
const get = (tree: Tree, key: string) => key.split('.').reduce<unknown>((c, p) => (c as Tree | undefined)?.[p], tree)

describe('risk', () => {
  it('picks the tone of each colour', () => {
    expect(riskTone('red')).toBe('danger')
    expect(riskTone('orange')).toBe('warning')
    expect(riskTone(null)).toBe('info')
  })

  it('labels a reason with its detail, or plainly without one', () => {
    expect(reasonMessage({ code: 'sla', detail: '130', points: 25 })).toEqual({ key: 'risk.reason.sla', params: { detail: '130', code: 'sla', points: 25 } })
    expect(reasonMessage({ code: 'vip', detail: '', points: 15 }).key).toBe('risk.reason.vipPlain')
    expect(reasonMessage({ code: 'risk_words', detail: '媒体、律师', points: 40 }).params.detail).toBe('媒体、律师')
    expect(reasonMessage({ code: 'brand_new', detail: 'x', points: 1 }).key).toBe('risk.reason.unknown')
  })

  it('has zh-CN and en-US labels for every reason code, with and without detail', () => {
    for (const loc of ['zh-CN', 'en-US'] as const) {
      for (const code of RISK_REASONS) {
        const withDetail = get(messages[loc] as Tree, `risk.reason.${code}`)
        expect(typeof withDetail, `${loc} ${code}`).toBe('string')
        expect(withDetail as string).toContain('{detail}')
        expect(typeof get(messages[loc] as Tree, `risk.reason.${code}Plain`), `${loc} ${code}Plain`).toBe('string')
      }
    }
  })

  it('lists the heaviest reasons first', () => {
    expect(sortedReasons([{ points: 5 }, { points: 30 }, { points: 20 }]).map((r) => r.points)).toEqual([30, 20, 5])
  })
})

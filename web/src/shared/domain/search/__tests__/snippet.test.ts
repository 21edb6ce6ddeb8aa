import { describe, expect, it } from 'vitest'
import { snippetIsSummary } from '../snippet'

const parts = (...p: [string, boolean][]) => p.map(([text, hit]) => ({ text, hit }))
/** A match in `field` with the snippet `snippet`. */
const at = (snippet: ReturnType<typeof parts>, field = 'body') => ({ field, snippet })

describe('snippetIsSummary', () => {
  it('is the summary when the pieces make up exactly the summary, from the body', () => {
    expect(snippetIsSummary(at(parts(['退货', true], ['签收后', false], ['退款', true], ['一直处理中', false])), '退货签收后退款一直处理中')).toBe(true)
  })

  it('is not when the snippet is cut, comes from a note, or is another line', () => {
    const summary = '退货签收后退款一直处理中'
    expect(snippetIsSummary(at(parts(['…签收后', false], ['退款', true], ['一直处理中', false])), summary)).toBe(false)
    expect(snippetIsSummary(at(parts(['退货', true], ['签收后退款一直处理中', false]), 'notes'), summary)).toBe(false)
    expect(snippetIsSummary(at(parts(['要求', false], ['退货', true])), summary)).toBe(false)
    expect(snippetIsSummary(at([]), '')).toBe(false)
  })

  it('is not for a summary longer than two short lines, whose words could fall out of sight', () => {
    const long = '新买的扫地机器人充电座接触不良，机器人回不了充电座，要求退货退款。'
    expect(snippetIsSummary(at(parts(['新买的', false], ['扫地机器人', true], [long.slice(8), false])), long)).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { categoryPieOption, departmentBarOption, departmentLabel, fillDays, stateBarOption, totalOpen, trendLineOption } from '../charts'

describe('dashboard chart builders', () => {
  it('bars open complaints per state in loop order, skipping empty and closed states', () => {
    const o = stateBarOption({ closed: 9, investigating: 4, received: 2, resolved: 0, pending_approval: 1 }, (s) => `L:${s}`)
    expect(o.xAxis.data).toEqual(['L:received', 'L:investigating', 'L:pending_approval'])
    expect(o.series[0].data.map((d) => d.value)).toEqual([2, 4, 1])
    expect(o.series[0].type).toBe('bar')
  })

  it('rings the top categories and sums the rest as other', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, count: 10 - i }))
    const o = categoryPieOption(rows, '其他', 8)
    const data = o.series[0].data
    expect(data).toHaveLength(9)
    expect(data[0]).toEqual({ name: 'c0', value: 10 })
    expect(data[8]).toEqual({ name: '其他', value: 2 + 1 })
    expect(categoryPieOption([{ name: 'a', count: 0 }], 'x').series[0].data).toEqual([])
  })

  it('labels a department with its company, cutting long names', () => {
    expect(departmentLabel('华腾电器有限公司 · 财务部')).toBe('{d|财务部} {c|华腾电器有限公司}')
    expect(departmentLabel('一 · 一二三四五六七八九十一二三')).toBe('{d|一二三四五六七八九十一…} {c|一}')
    expect(departmentLabel('未分派')).toBe('{d|未分派}')
    expect(departmentLabel('A · {x}')).toBe('{d|｛x｝} {c|A}')
  })

  it('puts the largest department on top', () => {
    const o = departmentBarOption([{ name: 'A', count: 1 }, { name: 'B', count: 5 }, { name: 'C', count: 3 }])
    // ECharts draws category axes bottom-up, so the biggest comes last.
    expect(o.yAxis.data).toEqual(['A', 'C', 'B'])
    expect(o.series[0].data).toEqual([1, 3, 5])
  })

  it('names rows the server left unnamed', () => {
    expect(departmentBarOption([{ name: '', count: 2 }], 10, '未分派').yAxis.data).toEqual(['未分派'])
    expect(categoryPieOption([{ name: '', count: 2 }], 'x', 8, '未分类').series[0].data[0].name).toBe('未分类')
  })

  it('fills missing days with zero over 30 days', () => {
    const filled = fillDays([{ day: '2026-11-20', count: 4 }, { day: '2026-11-22', count: 1 }], '2026-11-22', 30)
    expect(filled).toHaveLength(30)
    expect(filled[0].day).toBe('2026-10-24')
    expect(filled.at(-1)).toEqual({ day: '2026-11-22', count: 1 })
    expect(filled.at(-2)).toEqual({ day: '2026-11-21', count: 0 })
    expect(filled.at(-3)).toEqual({ day: '2026-11-20', count: 4 })
    const o = trendLineOption([{ day: '2026-11-22', count: 1 }], '2026-11-22', 'new')
    expect(o.xAxis.data.at(-1)).toBe('11-22')
    expect(o.series[0].data).toHaveLength(30)
    expect(o.series[0].name).toBe('new')
  })

  it('crosses month and year ends', () => {
    expect(fillDays([], '2026-01-02', 3).map((d) => d.day)).toEqual(['2025-12-31', '2026-01-01', '2026-01-02'])
  })

  it('counts only open states', () => {
    expect(totalOpen({ received: 2, closed: 5, archived: 1, invalid: 1, executing: 3 })).toBe(5)
  })
})

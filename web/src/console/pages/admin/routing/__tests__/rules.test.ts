import { describe, expect, it } from 'vitest'
import { emptyForm, formOf, hasEffect, patternLines, patternProblem, requestOf } from '../rules'

describe('keyword rule form', () => {
  it('turns one pattern a line into the request and back', () => {
    const f = { ...emptyForm(), name: ' 退款 ', patterns: '退款\n\n  退钱 \r\n退款+拒绝', department: '财务部', priority: 10 }
    const req = requestOf(f)
    expect(req).toEqual({
      name: '退款',
      patterns: ['退款', '退钱', '退款+拒绝'],
      category_code: null,
      department: '财务部',
      severity_floor: null,
      flags: [],
      priority: 10,
      enabled: true,
    })
    const back = formOf({ ...req, id: 1, category_code: null, severity_floor: null, updated_at: '2026-11-22T00:00:00Z' } as never)
    expect(patternLines(back.patterns)).toEqual(req.patterns)
  })

  it('finds the patterns the server would refuse', () => {
    expect(patternProblem('退款')).toBeNull()
    expect(patternProblem('退款+')).toBe('empty_conjunct')
    expect(patternProblem('  ')).toBe('empty')
    expect(patternProblem('re:(unclosed')).toBe('regex')
    expect(patternProblem('re:(记者|媒体).{0,6}曝光')).toBeNull()
    expect(patternProblem('长'.repeat(101))).toBe('too_long')
  })

  it('needs an effect: category, department, severity floor or flag', () => {
    expect(hasEffect(emptyForm())).toBe(false)
    expect(hasEffect({ ...emptyForm(), flags: ['legal'] })).toBe(true)
    expect(hasEffect({ ...emptyForm(), severity_floor: 1 })).toBe(true)
  })
})

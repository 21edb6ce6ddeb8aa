import { describe, expect, it } from 'vitest'
import { calibrationTemperature, explainTarget, firstPlacement, floorLevel, hintText, parseHint, percent, suggestedLabel, type RoutedTarget } from '../routing'

const rules = [{ rule_id: 7, name: '退款', matched: '退款' }]

describe('routing decisions', () => {
  it('names the rule that chose a target', () => {
    const t: RoutedTarget = { id: 3, label: '财务部', source: 'rule', rule_id: 7 }
    expect(explainTarget(t, rules)).toEqual({ kind: 'rule', label: '财务部', rule: '退款' })
  })

  it('gives the model score of a confident choice and the best guess of an unsure one', () => {
    const top = [
      { label: '质量部', score: 0.42 },
      { label: '财务部', score: 0.31 },
    ]
    expect(explainTarget({ id: 5, label: '质量部', source: 'model', top: [{ label: '质量部', score: 0.91 }] })).toEqual({
      kind: 'model',
      label: '质量部',
      score: 0.91,
    })
    expect(explainTarget({ top })).toEqual({ kind: 'suggestion', label: '质量部', score: 0.42 })
    expect(explainTarget({})).toEqual({ kind: 'none' })
    expect(explainTarget({ id: 1, label: 'refund', source: 'intake' })).toEqual({ kind: 'intake', label: 'refund' })
  })

  it('reads severity floors and percentages', () => {
    expect(floorLevel('level1')).toBe(1)
    expect(floorLevel(undefined)).toBeNull()
    expect(floorLevel('1')).toBeNull()
    expect(percent(0.8251)).toBe('83%')
    expect(percent(null)).toBe('')
    expect(percent(1.2)).toBe('100%')
  })

  it('parses the triage hint from an object or a string and ignores junk', () => {
    const h = { outcome: 'triage', department: '财务部', department_score: 0.55 }
    expect(parseHint(h)).toEqual(h)
    expect(parseHint(JSON.stringify(h))).toEqual(h)
    expect(parseHint('{not json')).toBeNull()
    expect(parseHint(42)).toBeNull()
    expect(hintText(parseHint(h))).toEqual({ department: '财务部', score: '55%' })
    expect(hintText({ outcome: 'triage', department: '财务部' })).toEqual({ department: '财务部', score: '' })
    expect(hintText({ outcome: 'triage' })).toBeNull()
  })
})

describe('firstPlacement', () => {
  const rules = [{ rule_id: 4, name: '退款', matched: '退款' }]
  const target = { id: 12, label: '财务部', rule_id: 4, top: [{ label: '财务部', score: 0.93 }] }
  const decision = (outcome: 'assigned' | 'triage', source: 'rule' | 'model' | 'intake') => ({
    outcome,
    rules,
    category: {},
    department: { ...target, source },
    threshold: 0.6,
  })

  it('names the rule or the model that placed the complaint', () => {
    expect(firstPlacement(decision('assigned', 'rule'))).toEqual({ kind: 'rule', rule: '退款' })
    expect(firstPlacement(decision('assigned', 'model'))).toEqual({ kind: 'model' })
  })

  it('says a person placed it when routing left it in triage, was off, or took the intake form\'s department', () => {
    expect(firstPlacement(decision('triage', 'model'))).toEqual({ kind: 'person' })
    expect(firstPlacement(decision('assigned', 'intake'))).toEqual({ kind: 'person' })
    expect(firstPlacement(null)).toEqual({ kind: 'person' })
  })
})

describe('model calibration', () => {
  it('reads the temperature only when the model was calibrated', () => {
    expect(calibrationTemperature({ accuracy: 0.9, temperature: 2.168 })).toBe(2.168)
    expect(calibrationTemperature({ accuracy: 0.9, temperature: 1 })).toBeNull()
    expect(calibrationTemperature({ accuracy: 0.9 })).toBeNull()
    expect(calibrationTemperature(null)).toBeNull()
    expect(calibrationTemperature({ temperature: 'x' })).toBeNull()
  })
})

describe('suggestedLabel', () => {
  it("offers the model's best guess only for a target routing left undecided", () => {
    const top = [
      { label: '质量管理部', score: 0.49 },
      { label: '物流配送部', score: 0.4 },
    ]
    expect(suggestedLabel({ top })).toBe('质量管理部')
    expect(suggestedLabel({ id: 5, label: '财务部', source: 'model', top })).toBeNull()
    expect(suggestedLabel({ id: 5, label: '财务部', source: 'rule', rule_id: 1 })).toBeNull()
    expect(suggestedLabel({ label: '法务部' })).toBe('法务部')
    expect(suggestedLabel({})).toBeNull()
    expect(suggestedLabel(null)).toBeNull()
  })
})

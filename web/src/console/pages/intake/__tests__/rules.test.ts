import { describe, expect, it } from 'vitest'
import { intakeField, isPhone, normalisePhone } from '../rules'
import { measuresProblem } from '../../complaint/rules'
import { nextInQueue } from '../../complaint/useComplaintDetail'

describe('intake rules', () => {
  it('accepts Chinese mobiles and landlines', () => {
    for (const p of ['13812345678', '+86 13812345678', '010-12345678', '0755 8888 8888', '400-123-4567']) expect(isPhone(p), p).toBe(true)
    for (const p of ['12345', '23812345678', 'abc', '1381234567']) expect(isPhone(p), p).toBe(false)
    expect(normalisePhone(' 138 1234 5678 ')).toBe('13812345678')
  })
  it('maps server fields onto the form', () => {
    expect(intakeField('customer.phone')).toBe('phone')
    expect(intakeField('category')).toBe('category_id')
    expect(intakeField('content')).toBe('content')
  })
})

describe('remedy rules', () => {
  it('checks measures', () => {
    expect(measuresProblem([])).toBe('detail.rule.measuresRequired')
    expect(measuresProblem([{ kind: 'compensation', amount: 0 }])).toBe('detail.rule.amountPositive')
    expect(measuresProblem([{ kind: 'compensation', amount: 10.005 }])).toBe('detail.rule.amount')
    expect(measuresProblem([{ kind: 'written_apology', amount: 5 }])).toBe('detail.rule.amountZero')
    expect(measuresProblem([{ kind: 'compensation', amount: 200 }, { kind: 'written_apology', amount: 0 }])).toBeNull()
    expect(measuresProblem(Array.from({ length: 11 }, () => ({ kind: 'repair', amount: 0 })))).toBe('detail.rule.measuresMax')
  })
})

describe('next in queue', () => {
  it('finds the next case number the workbench remembered', () => {
    const stored = JSON.stringify({ ids: ['A', 'B', 'C'], query: '/workbench' })
    expect(nextInQueue('A', stored)).toBe('B')
    expect(nextInQueue('C', stored)).toBeNull()
    expect(nextInQueue('Z', stored)).toBeNull()
    expect(nextInQueue('A', null)).toBeNull()
    expect(nextInQueue('A', '{bad')).toBeNull()
  })
})

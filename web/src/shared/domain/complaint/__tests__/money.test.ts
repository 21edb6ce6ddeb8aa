import { describe, expect, it } from 'vitest'
import { fenPerKind, formatYuan, isValidYuan, totalYuan, yuanToFen } from '../money'
import { approvalHint, covers, limitsOf, type Matrix } from '../authority'

describe('money', () => {
  it('adds in fen', () => {
    expect(totalYuan([{ amount: 0.1 }, { amount: 0.2 }])).toBe(0.3)
    expect(totalYuan([{ amount: 199.99 }, { amount: null }, { amount: 0.01 }])).toBe(200)
    expect(yuanToFen(12.34)).toBe(1234)
  })
  it('accepts at most two decimals, never negative', () => {
    expect(isValidYuan(10)).toBe(true)
    expect(isValidYuan(10.25)).toBe(true)
    expect(isValidYuan(10.255)).toBe(false)
    expect(isValidYuan(-1)).toBe(false)
    expect(isValidYuan(Number.NaN)).toBe(false)
  })
  it('sums per kind', () => {
    const m = fenPerKind([{ kind: 'compensation', amount: 100 }, { kind: 'compensation', amount: 150 }, { kind: 'gift', amount: 20 }], 'yuan')
    expect(m.get('compensation')).toBe(25000)
    expect(m.get('gift')).toBe(2000)
  })
  it('formats yuan', () => {
    expect(formatYuan(1234.5, 'zh-CN')).toMatch(/1,234\.50/)
    expect(formatYuan(1234.5, 'en-US')).toMatch(/1,234\.50/)
  })
})

const role = (id: number, code: string, rank: number, approve: boolean) => ({
  id,
  code,
  name: code,
  name_en: code,
  rank,
  permissions: approve ? [{ code: 'remedy.approve' }] : [],
})
const matrix: Matrix = {
  roles: [role(1, 'agent', 10, false), role(2, 'supervisor', 20, true), role(3, 'manager', 30, true)],
  cells: [
    { role_id: 1, measure: 'compensation', limit: 200 },
    { role_id: 1, measure: 'written_apology', limit: 0 },
    { role_id: 2, measure: 'compensation', limit: 2000 },
    { role_id: 2, measure: 'written_apology', limit: 0 },
    { role_id: 3, measure: 'compensation', limit: 20000 },
    { role_id: 3, measure: 'refund', limit: 50000 },
    { role_id: 3, measure: 'written_apology', limit: null },
  ],
}

describe('authority mirror', () => {
  it('reads a role’s limits, ignoring null cells', () => {
    const l = limitsOf(matrix, 3)
    expect(l.get('compensation')).toBe(2_000_000)
    expect(l.has('written_apology')).toBe(false)
  })
  it('sums per kind, so splitting a compensation does not get round the limit', () => {
    const agent = limitsOf(matrix, 1)
    expect(covers(agent, [{ kind: 'compensation', amount: 200 }])).toBe(true)
    expect(covers(agent, [{ kind: 'compensation', amount: 150 }, { kind: 'compensation', amount: 100 }])).toBe(false)
    expect(covers(agent, [{ kind: 'refund', amount: 1 }])).toBe(false)
  })
  it('names the lowest approving role that covers the remedy', () => {
    expect(approvalHint(matrix, 1, [{ kind: 'compensation', amount: 100 }])).toEqual({ kind: 'within' })
    const h = approvalHint(matrix, 1, [{ kind: 'compensation', amount: 500 }, { kind: 'written_apology', amount: 0 }])
    expect(h.kind).toBe('approval')
    expect(h.kind === 'approval' && h.role.code).toBe('supervisor')
    const big = approvalHint(matrix, 1, [{ kind: 'compensation', amount: 5000 }])
    expect(big.kind === 'approval' && big.role.code).toBe('manager')
    expect(approvalHint(matrix, 1, [{ kind: 'compensation', amount: 50000 }])).toEqual({ kind: 'beyond_all' })
    expect(approvalHint(null, 1, [{ kind: 'compensation', amount: 1 }])).toEqual({ kind: 'unknown' })
  })
})

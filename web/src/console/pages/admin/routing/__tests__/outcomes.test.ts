import { describe, expect, it } from 'vitest'
import type { RoutingOutcomesDto } from '@shared/api/types'
import { categoryRows, departmentRows, drillQuery, ruleRows, share, tiles } from '../outcomes'

const none = { complaints: 0, same: 0, other: 0, waiting: 0, unsuggested: 0, misrouted: 0 }
const figures: RoutingOutcomesDto = {
  days: 30,
  since: '2026-10-25T00:00:00Z',
  complaints: 31,
  rule: { complaints: 10, same: 9, other: 1, waiting: 0, unsuggested: 0, misrouted: 1 },
  model: { complaints: 12, same: 8, other: 3, waiting: 1, unsuggested: 0, misrouted: 2 },
  triage: { complaints: 9, same: 3, other: 1, waiting: 3, unsuggested: 2, misrouted: 0 },
  departments: [
    { label: '物流部', routed: 4, moved: 2, misrouted: 2, moved_to: '售后服务部', moved_to_count: 2 },
    { label: '财务部', routed: 10, moved: 1, misrouted: 1, moved_to: '客服中心', moved_to_count: 1 },
    { label: '售后服务部', routed: 7, moved: 0, misrouted: 0, moved_to: null, moved_to_count: 0 },
  ],
  categories: [{ label: 'refund_delay', routed: 8, moved: 2, misrouted: 0, moved_to: 'billing', moved_to_count: 2 }],
  rules: [
    { rule_id: 4, name: '退款', department: '财务部', routed: 6, moved: 1, misrouted: 1 },
    { rule_id: 9, name: null, department: null, routed: 4, moved: 0, misrouted: 0 },
  ],
}

describe('routing outcomes', () => {
  it('divides only when there is something to divide', () => {
    expect(share(1, 4)).toBe(0.25)
    expect(share(0, 0)).toBeNull()
  })

  it('counts the moved share over the complaints placed, not those still waiting', () => {
    const t = tiles(figures)
    expect(t.rule).toEqual({ complaints: 10, kept: 9, moved: 1, movedShare: 0.1, misrouted: 1 })
    expect(t.model).toEqual({ complaints: 12, kept: 8, moved: 3, movedShare: 3 / 11, misrouted: 2 })
  })

  it('counts followed suggestions over those placed where there was one to follow', () => {
    const t = tiles(figures).triage
    expect(t).toEqual({ complaints: 9, placed: 6, waiting: 3, followed: 3, followedShare: 0.75, misrouted: 0 })
    expect(tiles({ ...figures, triage: { ...none, complaints: 2, waiting: 2 } }).triage.followedShare).toBeNull()
  })

  it('marks departments people move complaints away from a fifth of the time or more', () => {
    const rows = departmentRows(figures)
    expect(rows.map((r) => [r.label, r.movedShare, r.high])).toEqual([
      ['物流部', 0.5, true],
      ['财务部', 0.1, false],
      ['售后服务部', 0, false],
    ])
    const edge = departmentRows({ ...figures, departments: [{ label: '甲', routed: 5, moved: 1, misrouted: 0, moved_to: '乙', moved_to_count: 1 }] })
    expect(edge[0]?.high).toBe(true)
  })

  it('gives each rule its moved share, a deleted one too', () => {
    expect(ruleRows(figures).map((r) => [r.rule_id, r.name, r.movedShare, r.high])).toEqual([
      [4, '退款', 1 / 6, false],
      [9, null, 0, false],
    ])
  })

  it('gives each category routing chose its reclassified share', () => {
    expect(categoryRows(figures).map((r) => [r.label, r.movedShare, r.high])).toEqual([['refund_delay', 0.25, true]])
  })

  it('opens the complaints behind a number in every queue, over the period of the figures', () => {
    expect(drillQuery(figures, { by: 'auto', department: '财务部', result: 'misrouted' })).toEqual({
      queue: 'all',
      since: figures.since,
      routed_by: 'rule,model',
      routed_department: '财务部',
      routing_result: 'misrouted',
    })
    expect(drillQuery(figures, { rule_id: 0 })).toEqual({ queue: 'all', since: figures.since, routed_rule_id: '0' })
    expect(drillQuery(figures, { category: 'refund_delay', result: 'reclassified' })).toMatchObject({ routed_category: 'refund_delay', routing_result: 'reclassified' })
  })
})

import { describe, expect, it } from 'vitest'
import type { ModelDto } from '@shared/api/types'
import { nearestRow, thresholdRows } from '../threshold'

const model = (target: string, inUse: boolean, metrics: unknown): ModelDto =>
  ({ target, in_use: inUse, version: 1, metrics, examples: 100, labels: 3, size: 1, source: 'database', created_at: '2026-11-24T00:00:00Z' }) as unknown as ModelDto

const figures = (heldOut: number, rows: [number, number, number][]) => ({
  held_out: heldOut,
  thresholds: rows.map(([threshold, routed, right]) => ({ threshold, routed, right })),
})

describe('triage threshold figures', () => {
  it('reads each model in use as shares: routed of the held-out texts, right of the routed', () => {
    const rows = thresholdRows([
      model('category', true, figures(200, [[0.5, 180, 162], [0.6, 150, 141], [0.9, 0, 0]])),
      model('category', false, figures(10, [[0.5, 1, 1]])),
      model('department', true, figures(100, [[0.6, 80, 76]])),
    ])
    expect(rows.map((r) => r.threshold)).toEqual([0.5, 0.6, 0.9])
    expect(rows[1]).toEqual({ threshold: 0.6, category: { routed: 0.75, right: 0.94 }, department: { routed: 0.8, right: 0.95 } })
    expect(rows[0]?.department).toBeNull()
    expect(rows[2]?.category).toEqual({ routed: 0, right: null })
  })

  it('has nothing to show without figures (no model, or too few examples to hold any out)', () => {
    expect(thresholdRows([])).toEqual([])
    expect(thresholdRows([model('category', true, { held_out: 0 })])).toEqual([])
  })

  it('highlights the row nearest the chosen threshold', () => {
    const rows = thresholdRows([model('category', true, figures(10, [[0.5, 9, 8], [0.6, 8, 8], [0.7, 6, 6]]))])
    expect(nearestRow(rows, 0.6)).toBe(1)
    expect(nearestRow(rows, 0.68)).toBe(2)
    expect(nearestRow([], 0.6)).toBe(-1)
  })
})

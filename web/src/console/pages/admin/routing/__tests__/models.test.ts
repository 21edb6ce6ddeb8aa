import { describe, expect, it } from 'vitest'
import { labelFigures, newestVersion, restorable, restoredVersion } from '../models'

const models = [
  { target: 'department', version: 3 },
  { target: 'category', version: 1 },
  { target: 'department', version: 2 },
  { target: 'department', version: 1 },
]

describe('restoring a model version', () => {
  it('finds the newest version per target', () => {
    expect(newestVersion(models, 'department')).toBe(3)
    expect(newestVersion(models, 'category')).toBe(1)
    expect(newestVersion([], 'category')).toBeNull()
  })

  it('offers every version but the newest of its own target', () => {
    expect(models.filter((m) => restorable(models, m))).toEqual([
      { target: 'department', version: 2 },
      { target: 'department', version: 1 },
    ])
  })

  it('stores the restored copy as the next version of its target', () => {
    expect(restoredVersion(models, { target: 'department', version: 1 })).toBe(4)
    expect(restoredVersion(models, { target: 'category', version: 1 })).toBe(2)
  })
})

describe('per-label figures', () => {
  const metrics = {
    accuracy: 0.9,
    per_label: [
      { label: '质量部', precision: 1, recall: 0.95, f1: 0.974, support: 20, mistaken_for: '客服中心', mistaken: 1 },
      { label: '财务部', precision: 0.9, recall: 0.6, f1: 0.72, support: 10, mistaken_for: '质量部', mistaken: 4 },
      { label: '法务部', precision: 0, recall: 0, f1: 0, support: 0, mistaken_for: null, mistaken: 0 },
      { label: '客服中心', precision: 0.5, recall: 1, f1: 0.667, support: 2, mistaken_for: null, mistaken: 0 },
      { precision: 1 },
    ],
  }

  it('lists the weakest labels first and those never held out last', () => {
    expect(labelFigures(metrics).map((f) => [f.label, f.weak])).toEqual([
      ['客服中心', true],
      ['财务部', true],
      ['质量部', false],
      ['法务部', false],
    ])
  })

  it('names what a label was taken for, and how often', () => {
    const [, finance, quality] = labelFigures(metrics)
    expect(finance?.mistakenFor).toEqual({ label: '质量部', count: 4 })
    expect(quality?.mistakenFor).toEqual({ label: '客服中心', count: 1 })
    expect(labelFigures(metrics)[0]?.mistakenFor).toBeNull()
  })

  it('has nothing to show for a model without them', () => {
    expect(labelFigures({ held_out: 0 })).toEqual([])
    expect(labelFigures(null)).toEqual([])
    expect(labelFigures({ per_label: 'x' })).toEqual([])
  })
})

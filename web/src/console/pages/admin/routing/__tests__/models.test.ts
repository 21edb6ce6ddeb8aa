import { describe, expect, it } from 'vitest'
import { newestVersion, restorable, restoredVersion } from '../models'

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

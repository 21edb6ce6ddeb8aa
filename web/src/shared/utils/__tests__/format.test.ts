import { describe, expect, it } from 'vitest'
import { formatDateTime, formatRelative, dayStartIso, nextDayStartIso, formatBytes } from '../format'
import { buildTree, pathTo } from '../tree'
import { hasAll, missing } from '../permissions'

describe('format', () => {
  const now = Date.parse('2026-11-22T12:00:00Z')
  it('formats relative times from the shared clock', () => {
    expect(formatRelative('2026-11-22T11:55:00Z', now, 'zh-CN')).toBe('5分钟前')
    expect(formatRelative('2026-11-22T11:55:00Z', now, 'en-US')).toMatch(/5 min/)
    expect(formatRelative('2026-11-22T11:59:50Z', now, 'en-US')).toBe('now')
    expect(formatRelative(null, now, 'zh-CN')).toBe('')
  })
  it('formats absolute times and sizes', () => {
    expect(formatDateTime('not a date')).toBe('')
    expect(formatDateTime(new Date(2026, 0, 2, 3, 4).toISOString())).toBe('2026-01-02 03:04')
    expect(formatBytes(2048)).toBe('2.0 KB')
  })
  it('turns local days into instants', () => {
    expect(new Date(dayStartIso('2026-11-22')).getHours()).toBe(0)
    expect(new Date(nextDayStartIso('2026-11-30')).getDate()).toBe(1)
  })
})

describe('tree', () => {
  const items = [
    { id: 1, parent_id: null, n: 'b' },
    { id: 2, parent_id: 1, n: 'z' },
    { id: 3, parent_id: 1, n: 'a' },
    { id: 4, parent_id: 3, n: 'x' },
  ]
  it('builds sorted trees and paths', () => {
    const t = buildTree(items, (i) => i.n)
    expect(t).toHaveLength(1)
    expect(t[0].children.map((c) => c.id)).toEqual([3, 2])
    expect(pathTo(items, 4)).toEqual([1, 3, 4])
  })
})

describe('permissions', () => {
  it('checks all and names what is missing', () => {
    const held = new Set(['a', 'b'])
    expect(hasAll(held, ['a', 'b'])).toBe(true)
    expect(hasAll(held, 'c')).toBe(false)
    expect(hasAll(held, undefined)).toBe(true)
    expect(missing(held, ['a', 'c', 'd'])).toEqual(['c', 'd'])
  })
})

import { describe, expect, it } from 'vitest'
import { comparable, hotWordTrend, toggled } from '../hotWords'

describe('hot word trends', () => {
  it('compares shares, not counts', () => {
    // 20 of 100 now against 20 of 200 before: the share doubled.
    expect(hotWordTrend({ complaints: 20, previous: 20 }, 100, 200)).toEqual({ kind: 'rising', ratio: 2 })
    // The same count in a period twice as busy is a halved share.
    expect(hotWordTrend({ complaints: 10, previous: 10 }, 200, 100)).toEqual({ kind: 'falling', ratio: 0.5 })
    expect(hotWordTrend({ complaints: 12, previous: 10 }, 100, 100)).toEqual({ kind: 'steady', ratio: 1.2 })
  })

  it('calls a word new only when enough complaints use it', () => {
    expect(hotWordTrend({ complaints: 3, previous: 0 }, 50, 40)).toEqual({ kind: 'new' })
    expect(hotWordTrend({ complaints: 2, previous: 0 }, 50, 40)).toEqual({ kind: 'unknown' })
  })

  it('needs enough complaints for a trend either way', () => {
    // One to two complaints doubles the share but is chance.
    expect(hotWordTrend({ complaints: 2, previous: 1 }, 100, 100).kind).toBe('steady')
    expect(hotWordTrend({ complaints: 1, previous: 2 }, 100, 100).kind).toBe('steady')
  })

  it('compares nothing when either period had too few complaints', () => {
    expect(hotWordTrend({ complaints: 9, previous: 0 }, 50, 0)).toEqual({ kind: 'unknown' })
    // Every word of 30 complaints would be "new" against one complaint before.
    expect(hotWordTrend({ complaints: 9, previous: 0 }, 30, 1)).toEqual({ kind: 'unknown' })
    expect(hotWordTrend({ complaints: 9, previous: 1 }, 19, 40)).toEqual({ kind: 'unknown' })
    expect(comparable(20, 20)).toBe(true)
    expect(comparable(20, 19)).toBe(false)
  })
})

describe('excluded words', () => {
  it('adds a word once and takes it out again', () => {
    expect(toggled(['华腾'], 'ht', true)).toEqual(['华腾', 'ht'])
    expect(toggled(['华腾', 'ht'], 'ht', true)).toEqual(['华腾', 'ht'])
    expect(toggled(['华腾', 'ht'], '华腾', false)).toEqual(['ht'])
  })
})

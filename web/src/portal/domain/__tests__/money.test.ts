import { describe, expect, it } from 'vitest'
import { formatFen, hasAmount, totalFen } from '../money'

describe('formatFen', () => {
  it('shows fen as 元 in Chinese', () => {
    expect(formatFen(150_000, 'zh-CN')).toBe('1,500 元')
    expect(formatFen(1_250, 'zh-CN')).toBe('12.50 元')
    expect(formatFen(1, 'zh-CN')).toBe('0.01 元')
    expect(formatFen(0, 'zh-CN')).toBe('0 元')
    expect(formatFen(123_456_789, 'zh-CN')).toBe('1,234,567.89 元')
  })
  it('shows fen with a yuan sign in English', () => {
    expect(formatFen(150_000, 'en-US')).toBe('¥1,500')
    expect(formatFen(1_250, 'en-US')).toBe('¥12.50')
    expect(formatFen(99, 'en-US')).toBe('¥0.99')
  })
  it('is robust against odd input', () => {
    expect(formatFen(-5_000, 'zh-CN')).toBe('-50 元')
    expect(formatFen(Number.NaN, 'zh-CN')).toBe('0 元')
    expect(formatFen(1_999.6, 'zh-CN')).toBe('20 元')
  })
})

describe('totals', () => {
  it('adds measures in fen without float drift', () => {
    expect(totalFen([{ kind: 'refund', amount: 10 }, { kind: 'gift', amount: 20 }])).toBe(30)
    expect(totalFen([{ kind: 'compensation', amount: 150_000 }, { kind: 'written_apology', amount: 0 }])).toBe(150_000)
    expect(totalFen([])).toBe(0)
  })
  it('knows which measures carry money', () => {
    expect(hasAmount({ kind: 'written_apology', amount: 0 })).toBe(false)
    expect(hasAmount({ kind: 'refund', amount: 1 })).toBe(true)
  })
})

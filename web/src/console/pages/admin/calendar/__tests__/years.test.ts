import { describe, expect, it } from 'vitest'
import { yearChoices } from '../useCalendar'

describe('calendar year picker', () => {
  it('offers the loaded years and the years around this one, once each, in order', () => {
    expect(yearChoices([2025, 2026], 2026)).toEqual([2025, 2026, 2027, 2028])
    expect(yearChoices([2020], 2026)).toEqual([2020, 2025, 2026, 2027, 2028])
  })
})

import { describe, expect, it } from 'vitest'
import Timeline from '../parts/Timeline.vue'
import { mountWithDetail } from './mountWithDetail'

function rated(stars: unknown, locale: 'zh-CN' | 'en-US' = 'zh-CN') {
  const detail = {
    complaint: { state: 'closed' },
    events: [
      {
        id: 7,
        kind: 'satisfaction_recorded',
        at: '2026-11-20T08:00:00Z',
        actor_kind: 'staff',
        actor_id: 1,
        actor_name: '坐席一',
        payload: { satisfaction: { stars, comment: null } },
      },
    ],
  }
  return mountWithDetail(Timeline, detail, locale, { RouterLink: true, RelativeTime: true })
}

describe('Timeline rating', () => {
  it('draws a rating as stars with their words, a dissatisfied one in the danger colour', () => {
    const low = rated(2).get('.ev__rating')
    expect(low.attributes('aria-label')).toBe('2 星：不满意')
    expect(low.get('.ev__rating-text').text()).toBe('不满意')
    expect(low.get('.ev__rating-text').classes()).toContain('is-low')

    const high = rated(5, 'en-US').get('.ev__rating')
    expect(high.attributes('aria-label')).toBe('5 of 5 stars: Very satisfied')
    expect(high.get('.ev__rating-text').classes()).not.toContain('is-low')
  })

  it('draws nothing for a rating outside 1–5, and no glyphs as text', () => {
    for (const stars of [0, 6, 2.5, null, 'x']) {
      const w = rated(stars)
      expect(w.find('.ev__rating').exists(), String(stars)).toBe(false)
      expect(w.text()).not.toMatch(/[★☆]/)
    }
  })
})

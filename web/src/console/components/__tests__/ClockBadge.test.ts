import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createAppI18n } from '@shared/i18n'
import { _setNow } from '@shared/composables/clock'
import type { ClockDto } from '@shared/api/types'
import ClockBadge from '../ClockBadge.vue'

const clock = (over: Partial<ClockDto> = {}): ClockDto => ({
  clock: 'resolution',
  kind: 'business',
  target_minutes: 1440,
  due_at: '2026-11-23T00:00:00Z',
  confirmed: true,
  met_at: null,
  paused: false,
  percent_used: 10,
  status: 'on_track',
  ...over,
})

describe('ClockBadge', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-22T02:00:00Z'))
  })
  afterEach(() => vi.useRealTimers())
  enableAutoUnmount(afterEach)

  const zh = () => ({ global: { plugins: [createAppI18n('zh-CN')] } })
  const en = () => ({ global: { plugins: [createAppI18n('en-US')] } })

  it('counts down and turns breached when the due time passes', async () => {
    const w = mount(ClockBadge, { props: { clock: clock(), label: '解决时限' }, ...zh() })
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('normal')
    expect(w.text()).toContain('解决时限: 剩余 22小时0分')
    _setNow(Date.parse('2026-11-23T01:00:00Z'))
    await nextTick()
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('breached')
    expect(w.text()).toContain('已超时 1小时0分')
  })

  it('says met, met late, paused, and marks an unconfirmed deadline', () => {
    const met = mount(ClockBadge, { props: { clock: clock({ status: 'met', met_at: '2026-11-22T01:00:00Z' }) }, ...en() })
    expect(met.text()).toContain('met')
    expect(met.get('[data-sla]').attributes('data-sla')).toBe('met')
    const late = mount(ClockBadge, { props: { clock: clock({ status: 'met_late', met_at: '2026-11-23T02:30:00Z' }) }, ...en() })
    expect(late.text()).toContain('met late (2h 30m late)')
    const paused = mount(ClockBadge, { props: { clock: clock({ status: 'paused', paused: true, due_at: null }) }, ...en() })
    expect(paused.get('[data-sla]').attributes('data-sla')).toBe('paused')
    expect(paused.text()).toContain('paused')
    const unconfirmed = mount(ClockBadge, { props: { clock: clock({ confirmed: false }) }, ...en() })
    expect(unconfirmed.find('[aria-label="unconfirmed"]').exists()).toBe(true)
    expect(met.find('[aria-label="unconfirmed"]').exists()).toBe(false)
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createAppI18n } from '@shared/i18n'
import { _setNow } from '@shared/composables/clock'
import SlaBadge from '../SlaBadge.vue'

const start = '2026-11-22T00:00:00Z'
const due = '2026-11-23T00:00:00Z'

describe('SlaBadge', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-11-22T02:00:00Z'))
  })
  afterEach(() => vi.useRealTimers())
  // Unmounting stops the shared clock, so each test starts it on its own fake timers.
  enableAutoUnmount(afterEach)

  it('counts down on the shared clock and turns to nearing, then breached', async () => {
    const w = mount(SlaBadge, { props: { label: '解决时限', start, due }, global: { plugins: [createAppI18n('zh-CN')] } })
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('normal')
    expect(w.text()).toContain('剩余 22小时0分')
    _setNow(Date.parse('2026-11-22T20:00:00Z'))
    await nextTick()
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('nearing')
    _setNow(Date.parse('2026-11-23T01:30:00Z'))
    await nextTick()
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('breached')
    expect(w.text()).toContain('已超时')
    expect(w.find('svg').exists()).toBe(true)
  })

  it('ticks by itself every 30 seconds', async () => {
    const w = mount(SlaBadge, { props: { label: 'x', start, due }, global: { plugins: [createAppI18n('en-US')] } })
    _setNow(Date.parse('2026-11-22T02:00:00Z'))
    await nextTick()
    expect(w.text()).toContain('22h 0m left')
    vi.setSystemTime(new Date('2026-11-22T02:10:00Z'))
    vi.advanceTimersByTime(30_000)
    await nextTick()
    expect(w.text()).toContain('21h 49m left') // 02:10:30 now
  })

  it('shows a pause while waiting on the customer', () => {
    const w = mount(SlaBadge, { props: { label: 'x', start, due, paused: true }, global: { plugins: [createAppI18n('en-US')] } })
    expect(w.get('[data-sla]').attributes('data-sla')).toBe('paused')
    expect(w.text()).toContain('paused')
  })
})

import { describe, expect, it, vi } from 'vitest'
import { createUnreadFeed, parseUnread, type EventSourceLike } from '../unreadAlerts'

class FakeSource implements EventSourceLike {
  readyState = 0
  onerror: ((e: Event) => void) | null = null
  closed = false
  private listeners: Record<string, ((e: MessageEvent) => void)[]> = {}
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    ;(this.listeners[type] ??= []).push(fn)
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners[type] ?? []) fn({ data } as MessageEvent)
  }
  fail() {
    this.onerror?.(new Event('error'))
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
}

function setup(opts: { noStream?: boolean; poll?: () => Promise<number> } = {}) {
  const sources: FakeSource[] = []
  const timers: { fn: () => void; ms: number; id: number; live: boolean }[] = []
  const poll = vi.fn(opts.poll ?? (async () => 7))
  const feed = createUnreadFeed({
    open: () => {
      if (opts.noStream) return null
      const s = new FakeSource()
      sources.push(s)
      return s
    },
    poll,
    pollMs: 1000,
    retryStreamAfter: 3,
    setInterval: (fn, ms) => {
      const t = { fn, ms, id: timers.length, live: true }
      timers.push(t)
      return t.id
    },
    clearInterval: (id) => {
      timers[id as number].live = false
    },
  })
  const tick = () => timers.filter((t) => t.live).forEach((t) => t.fn())
  return { feed, sources, timers, poll, tick }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

describe('unread alert feed', () => {
  it('parses only {"unread": n}', () => {
    expect(parseUnread('{"unread":3}')).toBe(3)
    expect(parseUnread('{"unread":-1}')).toBeNull()
    expect(parseUnread('nope')).toBeNull()
    expect(parseUnread({ unread: 0 })).toBe(0)
  })

  it('follows the stream and counts arrivals', () => {
    const { feed, sources, poll } = setup()
    feed.start()
    expect(feed.mode.value).toBe('stream')
    sources[0].emit('unread', '{"unread": 2}')
    expect(feed.unread.value).toBe(2)
    expect(feed.arrivals.value).toBe(0) // the first count is not an arrival
    sources[0].emit('unread', '{"unread": 5}')
    expect(feed.arrivals.value).toBe(1)
    sources[0].emit('unread', '{"unread": 1}')
    expect(feed.unread.value).toBe(1)
    expect(feed.arrivals.value).toBe(1)
    sources[0].emit('unread', 'garbage')
    expect(feed.unread.value).toBe(1)
    expect(poll).not.toHaveBeenCalled()
  })

  it('falls back to polling when the stream fails, and tries the stream again later', async () => {
    const { feed, sources, poll, tick } = setup()
    feed.start()
    sources[0].fail()
    expect(sources[0].closed).toBe(true)
    expect(feed.mode.value).toBe('poll')
    await flush()
    expect(poll).toHaveBeenCalledTimes(1)
    expect(feed.unread.value).toBe(7)
    tick()
    tick()
    await flush()
    expect(poll).toHaveBeenCalledTimes(3)
    tick() // the third period: back to the stream
    expect(sources).toHaveLength(2)
    expect(feed.mode.value).toBe('stream')
  })

  it('polls when the browser has no EventSource', async () => {
    const { feed, poll } = setup({ noStream: true })
    feed.start()
    await flush()
    expect(feed.mode.value).toBe('poll')
    expect(poll).toHaveBeenCalled()
    expect(feed.unread.value).toBe(7)
  })

  it('keeps the count when a poll fails, and stops cleanly', async () => {
    const { feed, sources, timers } = setup({ poll: async () => Promise.reject(new Error('down')) })
    feed.start()
    feed.set(4)
    sources[0].fail()
    await flush()
    expect(feed.unread.value).toBe(4)
    feed.stop()
    expect(feed.mode.value).toBe('off')
    expect(timers.every((t) => !t.live)).toBe(true)
  })
})

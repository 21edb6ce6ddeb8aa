// The live unread-alert count behind the bell: Server-Sent Events from /alerts/stream (an
// `unread` event with `{"unread": n}` at once, on new alerts and every 15 s), falling back to
// polling /alerts/unread when the stream fails (a proxy that buffers, an old server). One feed for
// the whole console, started while something shows it.

import { readonly, ref, type Ref } from 'vue'
import { alertsApi } from '@shared/api/endpoints'

/** The part of EventSource the feed uses (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number
  addEventListener(type: string, fn: (e: MessageEvent) => void): void
  onerror: ((e: Event) => void) | null
  close(): void
}

export interface FeedDeps {
  /** Opens the stream; `null` when the browser has no EventSource. */
  open: () => EventSourceLike | null
  poll: () => Promise<number>
  /** Poll period while the stream is down. */
  pollMs?: number
  /** Polls before trying the stream again. */
  retryStreamAfter?: number
  setInterval?: (fn: () => void, ms: number) => unknown
  clearInterval?: (id: unknown) => void
}

export type FeedMode = 'off' | 'stream' | 'poll'

export interface UnreadFeed {
  unread: Readonly<Ref<number>>
  mode: Readonly<Ref<FeedMode>>
  /** Bumped on every count the server sends that is higher than before (new alerts). */
  arrivals: Readonly<Ref<number>>
  start: () => void
  stop: () => void
  /** Sets the count from an answer that carries it (mark, list). */
  set: (n: number) => void
  refresh: () => Promise<void>
}

/** Parses the `data` of an `unread` event; `null` when it is not `{"unread": n}`. */
export function parseUnread(data: unknown): number | null {
  try {
    const v = typeof data === 'string' ? JSON.parse(data) : data
    const n = (v as { unread?: unknown })?.unread
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null
  } catch {
    return null
  }
}

export function createUnreadFeed(deps: FeedDeps): UnreadFeed {
  const unread = ref(0)
  const mode = ref<FeedMode>('off')
  const arrivals = ref(0)
  const every = deps.setInterval ?? ((fn, ms) => globalThis.setInterval(fn, ms))
  const cancel = deps.clearInterval ?? ((id) => globalThis.clearInterval(id as ReturnType<typeof setInterval>))
  const pollMs = deps.pollMs ?? 30_000
  const retryAfter = deps.retryStreamAfter ?? 4
  let source: EventSourceLike | null = null
  let timer: unknown = null
  let polls = 0
  let known = false

  function set(n: number) {
    if (known && n > unread.value) arrivals.value++
    known = true
    unread.value = n
  }

  async function refresh() {
    try {
      set(await deps.poll())
    } catch {
      /* the next poll or event will tell */
    }
  }

  function stopTimer() {
    if (timer !== null) cancel(timer)
    timer = null
  }

  function closeSource() {
    if (source) {
      source.onerror = null
      source.close()
    }
    source = null
  }

  function startPolling() {
    closeSource()
    mode.value = 'poll'
    polls = 0
    void refresh()
    stopTimer()
    timer = every(() => {
      polls++
      if (polls >= retryAfter) {
        stopTimer()
        openStream()
      } else void refresh()
    }, pollMs)
  }

  function openStream() {
    let s: EventSourceLike | null = null
    try {
      s = deps.open()
    } catch {
      s = null
    }
    if (!s) {
      startPolling()
      return
    }
    source = s
    mode.value = 'stream'
    s.addEventListener('unread', (e) => {
      const n = parseUnread(e.data)
      if (n !== null) set(n)
    })
    s.onerror = () => {
      // EventSource would retry by itself, but a stream that fails once (proxy, old server, session
      // gone) tends to fail again: poll instead and try the stream later.
      if (source === s) startPolling()
    }
  }

  function start() {
    if (mode.value !== 'off') return
    openStream()
  }

  function stop() {
    stopTimer()
    closeSource()
    mode.value = 'off'
    known = false
  }

  return { unread: readonly(unread), mode: readonly(mode), arrivals: readonly(arrivals), start, stop, set, refresh }
}

// --- the console's one feed ------------------------------------------------------------------------

let feed: UnreadFeed | null = null
let users = 0

function browserFeed(): UnreadFeed {
  return createUnreadFeed({
    open: () =>
      typeof EventSource === 'undefined' ? null : (new EventSource(alertsApi.streamUrl(), { withCredentials: true }) as unknown as EventSourceLike),
    poll: async () => (await alertsApi.unread()).unread,
  })
}

/** The shared feed; `acquire` starts it (the bell), `release` stops it when nobody shows it. */
export function useUnreadAlerts(): UnreadFeed & { acquire: () => void; release: () => void } {
  if (!feed) feed = browserFeed()
  const f = feed
  return {
    ...f,
    acquire: () => {
      users++
      f.start()
    },
    release: () => {
      users = Math.max(0, users - 1)
      if (!users) f.stop()
    },
  }
}

// One shared ticking clock (STYLE-WEB §8): relative times and SLA countdowns read `now`; there is
// never a timer per row. The interval runs only while something uses it.

import { onScopeDispose, readonly, ref, getCurrentScope, type Ref } from 'vue'

const TICK_MS = 30_000
const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

function start() {
  if (timer) return
  now.value = Date.now()
  timer = setInterval(() => {
    now.value = Date.now()
  }, TICK_MS)
}

function stop() {
  if (timer) clearInterval(timer)
  timer = null
}

/** The shared `now` (ms); ticks every 30 s while at least one component uses it. */
export function useNow(): Readonly<Ref<number>> {
  users++
  start()
  if (getCurrentScope()) {
    onScopeDispose(() => {
      users--
      if (users <= 0) {
        users = 0
        stop()
      }
    })
  }
  return readonly(now)
}

/** For tests. */
export function _setNow(ms: number): void {
  now.value = ms
}

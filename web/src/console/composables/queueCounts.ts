// Queue counts for the side menu (overdue, at risk): one cached copy, refreshed when asked and
// every minute while the menu shows it.

import { shallowRef } from 'vue'
import { complaintsApi } from '@shared/api/endpoints'
import type { QueueCounts } from '@shared/api/types'

const counts = shallowRef<QueueCounts>({})
let timer: ReturnType<typeof setInterval> | null = null
let users = 0
let last = 0

async function refresh(force = false) {
  if (!force && Date.now() - last < 5_000) return
  last = Date.now()
  try {
    counts.value = { ...(await complaintsApi.queues()) }
  } catch {
    /* keep the last counts */
  }
}

export function useQueueCounts() {
  return {
    counts,
    refresh,
    acquire() {
      users++
      void refresh(true)
      timer ??= setInterval(() => void refresh(true), 60_000)
    },
    release() {
      users = Math.max(0, users - 1)
      if (!users && timer) {
        clearInterval(timer)
        timer = null
      }
    },
  }
}

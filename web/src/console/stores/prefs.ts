// Per-user preferences kept in localStorage: table density, visible workbench columns, menu state.

import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type Density = 'large' | 'default' | 'small'

const KEY = 'cloop.prefs'

interface Stored {
  density?: Density
  columns?: string[]
  collapsed?: boolean
  perPage?: number
}

function load(user: string): Stored {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, Stored>
    return all[user] ?? {}
  } catch {
    return {}
  }
}

function save(user: string, s: Stored) {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, Stored>
    all[user] = s
    localStorage.setItem(KEY, JSON.stringify(all))
  } catch {
    /* storage full or blocked: preferences just don't stick */
  }
}

export const usePrefsStore = defineStore('prefs', () => {
  const owner = ref('_')
  const density = ref<Density>('default')
  const columns = ref<string[] | null>(null)
  const collapsed = ref(false)
  const perPage = ref(20)

  /** Loads the preferences of `username` (called after login). */
  function useFor(username: string) {
    if (owner.value === username) return
    owner.value = username
    const s = load(username)
    density.value = s.density ?? 'default'
    columns.value = s.columns ?? null
    // Without a saved choice, narrow screens (≤ 1360 px) start with the menu folded so the
    // workbench table has room for its default columns.
    collapsed.value = s.collapsed ?? (typeof window !== 'undefined' && window.innerWidth < 1360)
    perPage.value = s.perPage ?? 20
  }

  watch([density, columns, collapsed, perPage], () => {
    save(owner.value, { density: density.value, columns: columns.value ?? undefined, collapsed: collapsed.value, perPage: perPage.value })
  }, { deep: true })

  return { density, columns, collapsed, perPage, useFor }
})

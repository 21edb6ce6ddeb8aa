import { computed, nextTick, reactive, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { complaintsApi } from '@shared/api/endpoints'
import type { ComplaintListItem, ComplaintPage } from '@shared/api/types'
import { toApiError } from '@shared/composables/useAsync'
import type { ApiError } from '@shared/api/http'
import { useSessionStore } from '../../stores/session'
import { usePrefsStore } from '../../stores/prefs'
import { useSelectionStore } from '../../stores/selection'
import {
  defaultQueue,
  defaultSort,
  hasFilters,
  parseQuery,
  queueCountsFromStates,
  toApiQuery,
  toRouteQuery,
  type Queue,
  type SortKey,
  type WorkbenchQuery,
} from './query'
import { visibleColumns } from './columns'

export function useWorkbench() {
  const route = useRoute()
  const router = useRouter()
  const session = useSessionStore()
  const prefs = usePrefsStore()
  const selection = useSelectionStore()

  const defaults = computed(() => ({ queue: defaultQueue(session.can), per_page: prefs.perPage }))
  const query = computed<WorkbenchQuery>(() => parseQuery(route.query as never, defaults.value))

  // --- list ---------------------------------------------------------------------------------
  const page = shallowRef<ComplaintPage | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  /** The search text of the page on screen (the URL may be ahead of it while loading). */
  const searchedFor = ref('')
  let ctrl: AbortController | null = null

  async function refresh() {
    ctrl?.abort()
    const my = (ctrl = new AbortController())
    loading.value = true
    error.value = null
    try {
      const q = query.value
      page.value = await complaintsApi.list(toApiQuery(q), my.signal)
      searchedFor.value = q.q.trim()
      if (currentIndex.value >= (page.value?.items.length ?? 0)) currentIndex.value = -1
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') return
      error.value = toApiError(e)
    } finally {
      if (ctrl === my) loading.value = false
    }
  }

  // --- queue counts ----------------------------------------------------------------------------
  const counts = shallowRef<Partial<Record<Queue, number>>>({})
  async function refreshCounts() {
    try {
      counts.value = { ...(await complaintsApi.queues()) }
    } catch {
      // Older servers: derive what we can from the per-state counts.
      try {
        counts.value = queueCountsFromStates(await complaintsApi.counts())
      } catch {
        counts.value = {}
      }
    }
  }

  watch(
    () => route.fullPath,
    () => {
      if (route.name === 'workbench') void refresh()
    },
    { immediate: true },
  )
  void refreshCounts()

  // --- changing the URL ------------------------------------------------------------------------
  function update(patch: Partial<WorkbenchQuery>, resetPage = true) {
    const next = { ...query.value, ...patch }
    if (resetPage && !('page' in patch)) next.page = 1
    if ('per_page' in patch && patch.per_page) prefs.perPage = patch.per_page
    selection.clear()
    void router.replace({ query: toRouteQuery(next, defaults.value) })
  }

  const setQueue = (queue: Queue) => update({ queue })
  const setPage = (p: number) => update({ page: p }, false)
  const setPerPage = (n: number) => update({ per_page: n })
  function setSort(sortKey: SortKey | null, order: 'ascending' | 'descending' | null) {
    if (!sortKey || !order) update({ sort: defaultSort(query.value.q), order: 'desc' })
    else update({ sort: sortKey, order: order === 'ascending' ? 'asc' : 'desc' })
  }
  function clearFilters() {
    update({ state: [], risk: [], severity: null, category_id: null, department_id: null, channel: null, from: null, to: null, q: '', routing: null })
  }
  /** Leaves the routing figures' drill-down, keeping the other filters. */
  const clearRouting = () => update({ routing: null })

  // Filter form: edited locally, applied to the URL (text on Enter / after a pause).
  const filters = reactive({
    state: [] as string[],
    risk: [] as string[],
    severity: null as number | null,
    category_id: null as number | null,
    department_id: null as number | null,
    channel: null as string | null,
    dates: null as [string, string] | null,
    q: '',
  })
  watch(
    query,
    (q) => {
      filters.state = [...q.state]
      filters.risk = [...q.risk]
      filters.severity = q.severity
      filters.category_id = q.category_id
      filters.department_id = q.department_id
      filters.channel = q.channel
      filters.dates = q.from && q.to ? [q.from, q.to] : null
      filters.q = q.q
    },
    { immediate: true },
  )
  function applyFilters() {
    // New search text starts ranked by relevance; clearing it goes back to newest first.
    const textChanged = filters.q.trim() !== query.value.q.trim()
    const sort = textChanged && (query.value.sort === defaultSort(query.value.q) || !filters.q.trim()) ? defaultSort(filters.q) : query.value.sort
    update({
      sort,
      state: filters.state,
      risk: filters.risk,
      severity: filters.severity || null,
      category_id: filters.category_id || null,
      department_id: filters.department_id || null,
      channel: filters.channel || null,
      from: filters.dates?.[0] ?? null,
      to: filters.dates?.[1] ?? null,
      q: filters.q,
    })
  }

  // --- rows, keyboard focus, opening ------------------------------------------------------------
  const rows = computed<ComplaintListItem[]>(() => page.value?.items ?? [])
  const currentIndex = ref(-1)
  const columns = computed(() => visibleColumns(prefs.columns, query.value.queue))

  function move(delta: number) {
    if (!rows.value.length) return
    const i = currentIndex.value < 0 ? (delta > 0 ? 0 : rows.value.length - 1) : currentIndex.value + delta
    currentIndex.value = Math.min(rows.value.length - 1, Math.max(0, i))
    void nextTick(() => document.querySelector('.wb-table .current-row')?.scrollIntoView({ block: 'nearest' }))
  }

  /** Where a row opens: its complaint, with the search it was found by, whose words are marked there. */
  function complaintLocation(row: ComplaintListItem) {
    const q = searchedFor.value
    return router.resolve({ name: 'complaint', params: { key: row.case_no }, query: q ? { q } : {} })
  }

  function open(row: ComplaintListItem, newTab = false) {
    const loc = complaintLocation(row)
    if (newTab) window.open(loc.href, '_blank', 'noopener')
    else {
      // Remember the queue so the detail page can offer "next in queue".
      sessionStorage.setItem('cloop.queue', JSON.stringify({ ids: rows.value.map((r) => r.case_no), query: route.fullPath }))
      void router.push(loc)
    }
  }

  function openCurrent() {
    const row = rows.value[currentIndex.value]
    if (row) open(row)
  }

  return {
    query,
    page,
    searchedFor,
    complaintLocation,
    rows,
    loading,
    error,
    counts,
    columns,
    filters,
    currentIndex,
    hasFilters: computed(() => hasFilters(query.value)),
    refresh: async () => {
      await Promise.all([refresh(), refreshCounts()])
    },
    refreshCounts,
    setQueue,
    setPage,
    setPerPage,
    setSort,
    applyFilters,
    clearFilters,
    clearRouting,
    move,
    open,
    openCurrent,
  }
}

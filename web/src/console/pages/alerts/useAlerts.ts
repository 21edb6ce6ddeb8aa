import { computed, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { alertsApi } from '@shared/api/endpoints'
import type { AlertDto, AlertPage } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import { toApiError } from '@shared/composables/useAsync'
import { useUnreadAlerts } from '../../composables/unreadAlerts'

export type AlertFilter = 'unread' | 'all'

/** The alert centre's URL state: `?show=all&page=2`; unread first by default. */
export function parseAlertQuery(q: Record<string, unknown>): { show: AlertFilter; page: number } {
  const show = q.show === 'all' ? 'all' : 'unread'
  const p = Number(q.page)
  return { show, page: Number.isInteger(p) && p > 0 ? p : 1 }
}

export const ALERTS_PER_PAGE = 20

export function useAlerts() {
  const { t } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const feed = useUnreadAlerts()
  const state = computed(() => parseAlertQuery(route.query))

  const page = shallowRef<AlertPage | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  const busy = ref(false)
  const selected = ref<number[]>([])

  async function refresh() {
    loading.value = true
    error.value = null
    try {
      const p = await alertsApi.list({ unread: state.value.show === 'unread', page: state.value.page, per_page: ALERTS_PER_PAGE })
      page.value = p
      feed.set(p.unread)
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }
  watch(
    () => route.fullPath,
    () => {
      if (route.name === 'alerts') void refresh()
    },
    { immediate: true },
  )
  // New alerts arrive through the bell's stream: show them on the first page.
  watch(feed.arrivals, () => {
    if (state.value.page === 1) void refresh()
  })

  function setShow(show: AlertFilter) {
    selected.value = []
    void router.replace({ query: show === 'unread' ? {} : { show } })
  }
  function setPage(p: number) {
    void router.replace({ query: { ...route.query, page: p > 1 ? String(p) : undefined } })
  }

  /** Marks `ids` read (or acknowledged); no ids = every alert of the user. `quiet`: on the way to
   * the complaint, no message and no reload. */
  async function mark(ids: number[] | null, acknowledge = false, quiet = false) {
    busy.value = true
    try {
      const r = await alertsApi.mark(ids ? { ids, acknowledge } : { acknowledge })
      feed.set(r.unread)
      if (!quiet) ElMessage.success(acknowledge ? t('alerts.done.acked', { n: r.changed }) : t('alerts.done.read', { n: r.changed }))
      selected.value = []
      if (!quiet) await refresh()
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      busy.value = false
    }
  }

  async function markAll() {
    try {
      await ElMessageBox.confirm(t('alerts.confirmAll.text', { n: page.value?.unread ?? 0 }), t('alerts.confirmAll.title'), {
        confirmButtonText: t('alerts.markAllRead'),
        cancelButtonText: t('common.action.cancel'),
        type: 'warning',
      })
    } catch {
      return
    }
    await mark(null)
  }

  const items = computed<AlertDto[]>(() => page.value?.items ?? [])
  return { state, page, items, loading, error, busy, selected, refresh, setShow, setPage, mark, markAll }
}

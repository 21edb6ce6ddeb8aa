import { computed, shallowRef, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { complaintsApi, statsApi } from '@shared/api/endpoints'
import type { StatsOverview } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import { toApiError } from '@shared/composables/useAsync'
import { isOpen } from '@shared/domain/complaint/status'
import { loadCategories, loadOrgUnits, useReference } from '../../composables/reference'
import { categoryPieOption, departmentBarOption, stateBarOption, totalOpen, trendLineOption } from './charts'

const today = () => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

export function useDashboard() {
  const { t, locale } = useI18n()
  // The server names categories and departments in Chinese; the ids give the current language.
  const { categoryName, orgName, companyOf } = useReference()
  const data = shallowRef<StatsOverview | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  /** The server has no /stats/overview yet: only per-state counts are shown. */
  const partial = ref(false)

  async function refresh() {
    loading.value = true
    error.value = null
    try {
      data.value = await statsApi.overview()
      partial.value = false
    } catch (e) {
      const err = toApiError(e)
      if (err.status === 404 || err.status === 405) {
        try {
          const counts = await complaintsApi.counts()
          const open: Record<string, number> = {}
          for (const [s, n] of Object.entries(counts)) if (isOpen(s)) open[s] = Number(n)
          data.value = { open_by_state: open, new_today: NaN, by_category: [], by_department: [], daily: [] }
          partial.value = true
        } catch (e2) {
          error.value = toApiError(e2)
        }
      } else {
        error.value = err
      }
    } finally {
      loading.value = false
    }
  }
  void refresh()
  void loadCategories().catch(() => {})
  void loadOrgUnits().catch(() => {})

  const stateLabel = (s: string) => t(`complaint.state.${s}`)
  const options = computed(() => {
    void locale.value
    const d = data.value
    if (!d) return null
    return {
      states: stateBarOption(d.open_by_state, stateLabel),
      categories: categoryPieOption(
        d.by_category.map((r) => ({ ...r, name: (r.id != null && categoryName(r.id)) || r.name })),
        t('dashboard.other'),
        8,
        t('dashboard.uncategorised'),
      ),
      departments: departmentBarOption(
        // "company · department" in the page's language (each company has its own 财务部).
        d.by_department.map((r) => {
          const dept = r.id != null && orgName(r.id)
          if (!dept) return r
          const company = companyOf(r.id)
          return { ...r, name: company && company.id !== r.id ? `${orgName(company.id)} · ${dept}` : dept }
        }),
        10,
        t('dashboard.unassigned'),
      ),
      trend: trendLineOption(d.daily, today(), t('dashboard.newComplaints')),
    }
  })
  const stats = computed(() => {
    const d = data.value
    if (!d) return null
    return {
      newToday: d.new_today,
      open: totalOpen(d.open_by_state),
      approval: d.open_by_state.pending_approval ?? 0,
      review: d.open_by_state.secondary_review ?? 0,
      awaiting: d.open_by_state.awaiting_customer ?? 0,
      last30: d.daily.reduce((s, r) => s + r.count, 0),
    }
  })
  return { data, loading, error, partial, refresh, options, stats }
}

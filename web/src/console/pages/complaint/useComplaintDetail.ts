import { computed, provide, ref, shallowRef, watch } from 'vue'
import { useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { complaintsApi, customersApi } from '@shared/api/endpoints'
import type { ComplaintDetailDto, ComplaintDto, CustomerDto, SearchMarksDto } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import { toApiError } from '@shared/composables/useAsync'
import { allowedActions, type ActionName } from '@shared/domain/complaint/actions'
import { pickName, type AppLocale } from '@shared/i18n/locale'
import { useSessionStore } from '../../stores/session'
import { loadCategories, loadOrgUnits, loadRoles, loadUsers, loadMeta, useReference } from '../../composables/reference'
import { DETAIL_KEY, type DetailContext } from './context'

export interface DoneBanner {
  action: ActionName
  message: string
  /** Case number of the next complaint in the queue the user came from. */
  next: string | null
  warning?: string
}

/** The next case number after `current` in the queue remembered by the workbench. */
export function nextInQueue(current: string, stored: string | null): string | null {
  if (!stored) return null
  try {
    const { ids } = JSON.parse(stored) as { ids: string[] }
    const i = ids.indexOf(current)
    return i >= 0 && i + 1 < ids.length ? ids[i + 1] : null
  } catch {
    return null
  }
}

export function useComplaintDetail(key: () => string) {
  const { t, locale } = useI18n()
  const router = useRouter()
  const session = useSessionStore()
  const { roles } = useReference()

  const detail = shallowRef<ComplaintDetailDto | null>(null)
  const customer = shallowRef<CustomerDto | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)

  // --- the search the complaint was opened from ------------------------------------------------
  // The workbench opens a search result with `?q=`; the words are marked where they stand in the
  // content, the other fields and the notes, by the server's own matching (GET …/marks).
  const searchText = computed(() => {
    const q = router.currentRoute.value.query.q
    return (typeof q === 'string' ? q : '').trim()
  })
  const marks = shallowRef<SearchMarksDto | null>(null)
  let marksCtrl: AbortController | null = null
  async function loadMarks() {
    marksCtrl?.abort()
    const q = searchText.value
    if (!q) {
      marks.value = null
      return
    }
    marksCtrl = new AbortController()
    try {
      marks.value = await complaintsApi.marks(key(), q, marksCtrl.signal)
    } catch (e) {
      // The marks only help to read: without them the texts are shown as they are. An aborted
      // load was replaced by a newer one, which sets them.
      if ((e as Error)?.name !== 'AbortError') marks.value = null
    }
  }
  watch(searchText, () => void loadMarks())
  function clearMarks() {
    const { q: _q, ...rest } = router.currentRoute.value.query
    void router.replace({ query: rest })
  }

  async function refresh() {
    loading.value = true
    error.value = null
    // Notes added by an action are marked too: the marks follow every load of the complaint.
    void loadMarks()
    try {
      const d = await complaintsApi.detail(key())
      detail.value = d
      // Keep revealed contact details across refreshes of the same customer.
      if (!customer.value || customer.value.id !== d.customer.id || !customer.value.revealed) customer.value = d.customer
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }
  // The layout re-creates this page per complaint (keyed by path), so one load per instance.
  void refresh()
  // Names for ids in the timeline and selects in the drawers.
  for (const load of [loadCategories, loadOrgUnits, loadUsers, loadRoles, loadMeta]) void load().catch(() => {})

  const complaint = computed<ComplaintDto | null>(() => detail.value?.complaint ?? null)
  const actions = computed<ActionName[]>(() =>
    complaint.value ? allowedActions(complaint.value, session.permissions, session.user?.id) : [],
  )

  // --- actions ----------------------------------------------------------------------------------
  const activeAction = ref<ActionName | null>(null)
  const banner = shallowRef<DoneBanner | null>(null)
  function startAction(a: ActionName) {
    activeAction.value = a
  }

  function roleName(code: string | null | undefined): string {
    if (!code) return ''
    const r = roles.value.find((x) => x.code === code)
    return r ? pickName(r, locale.value as AppLocale) : code
  }

  /** Called by the drawer after the server accepted the command. */
  async function onActionDone(action: ActionName, result: ComplaintDto | null) {
    activeAction.value = null
    const caseNo = complaint.value?.case_no ?? key()
    let warning: string | undefined
    if (action === 'remedy' && result?.state === 'pending_approval') {
      warning = t('detail.done.needsApproval', { role: roleName(result.approval_role) || t('detail.done.higherRole') })
    }
    banner.value = {
      action,
      message: t('detail.done.message', { action: t(`action.${action}`) }),
      next: nextInQueue(caseNo, sessionStorage.getItem('cloop.queue')),
      warning,
    }
    await refresh()
  }

  function goNext() {
    const next = banner.value?.next
    if (next) void router.push({ name: 'complaint', params: { key: next }, query: searchText.value ? { q: searchText.value } : {} })
    else {
      const stored = sessionStorage.getItem('cloop.queue')
      const back = stored ? (JSON.parse(stored) as { query?: string }).query : null
      void router.push(back || { name: 'workbench' })
    }
  }

  // --- personal data -----------------------------------------------------------------------------
  const revealing = ref(false)
  async function reveal() {
    if (!customer.value || !complaint.value) return
    revealing.value = true
    try {
      customer.value = await customersApi.reveal(customer.value.id, complaint.value.id)
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      revealing.value = false
    }
  }

  const ctx: DetailContext = {
    detail,
    complaint,
    customer,
    loading,
    error,
    actions,
    refresh,
    startAction,
    reveal,
    revealing,
    attachmentUrl: (sha) => complaintsApi.attachmentUrl(complaint.value?.id ?? key(), sha),
    searchText,
    marks,
    clearMarks,
  }
  provide(DETAIL_KEY, ctx)

  return { ...ctx, activeAction, banner, onActionDone, goNext, roleName }
}

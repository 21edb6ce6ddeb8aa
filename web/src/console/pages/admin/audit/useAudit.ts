import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { adminApi } from '@shared/api/endpoints'
import { toApiError, useAsync } from '@shared/composables/useAsync'
import type { AuditDto, AuditQuery } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import { loadCategories, loadOrgUnits, loadRoles, loadUsers, useReference } from '../../../composables/reference'

/** Entries a page. */
export const AUDIT_PAGE = 100

/** The i18n key of an audit action's name (`admin.routing_rule.create` → `admin.audit.actions.admin_routing_rule_create`). */
export function actionKey(code: string): string {
  return `admin.audit.actions.${code.replace(/\./g, '_')}`
}

/** Whether an entry's detail says nothing (`{}`, `null`): shown as a dash, not as code. */
export function emptyDetail(detail: unknown): boolean {
  return detail == null || (typeof detail === 'object' && Object.keys(detail as object).length === 0)
}

/** One field of an entry's detail; `complaint` is set when it names a complaint (by id), to link. */
export interface DetailField {
  key: string
  value: string
  complaint?: number
}

/** An entry's detail as fields people read: `complaint_id: 61 · reason: 回电核实` (top-level fields in
 * order, empty ones left out, nested values as JSON); a detail that is not an object is one field
 * of JSON with no name. */
export function detailFields(detail: unknown): DetailField[] {
  if (detail == null || typeof detail !== 'object' || Array.isArray(detail)) return [{ key: '', value: JSON.stringify(detail ?? null) }]
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v != null && v !== '')
    .map(([key, v]) => ({
      key,
      value: typeof v === 'object' ? JSON.stringify(v) : String(v),
      ...(key === 'complaint_id' && typeof v === 'number' ? { complaint: v } : {}),
    }))
}

/** [`detailFields`] as one line. */
export function detailText(detail: unknown): string {
  return detailFields(detail)
    .map((f) => (f.key ? `${f.key}: ${f.value}` : f.value))
    .join(' · ')
}

/** The server's filters; empty ones are left out. */
export interface AuditFilters {
  action: string | null
  userId: number | null
  target: string | null
  /** [from, to) as ISO times, or null. */
  range: [string, string] | null
}

/** Two days picked (`YYYY-MM-DD`, both included) as the times [from, to) in the browser's time zone. */
export function dayRange(days: [string, string] | null | undefined): [string, string] | null {
  if (!days) return null
  const start = (d: string, plus = 0) => {
    const [y, m, day] = d.split('-').map(Number)
    return new Date(y, m - 1, day + plus).toISOString()
  }
  return [start(days[0]), start(days[1], 1)]
}

/** The query of the first page for `f`, or of the page after the entry `before`. */
export function auditQuery(f: AuditFilters, before?: number): AuditQuery {
  const q: AuditQuery = { limit: AUDIT_PAGE }
  if (f.action) q.action = f.action
  if (f.userId != null) q.user_id = f.userId
  if (f.target) q.target = f.target
  if (f.range) [q.from, q.to] = f.range
  if (before != null) q.before = before
  return q
}

export function useAudit() {
  const { t, te } = useI18n()
  const { roleName, categoryName, orgName } = useReference()
  void loadUsers().catch(() => {})
  void loadRoles().catch(() => {})
  void loadCategories().catch(() => {})
  void loadOrgUnits().catch(() => {})
  // Filters the server applies over the whole log; the text filter narrows what is loaded.
  const filters = reactive<AuditFilters>({ action: null, userId: null, target: null, range: null })
  const filter = ref('')
  const entries = shallowRef<AuditDto[]>([])
  const more = ref(false)
  // Which first page the entries shown belong to: a next page asked for before the filters
  // changed is dropped rather than added to the new filters' entries.
  let generation = 0
  const list = useAsync(async () => {
    const mine = ++generation
    const page = await adminApi.audit(auditQuery(filters))
    if (mine !== generation) return page
    entries.value = page
    more.value = page.length === AUDIT_PAGE
    return page
  })
  watch(filters, () => void list.refresh())
  const loadingMore = ref(false)
  const moreError = shallowRef<ApiError | null>(null)
  /** The next page, after the last entry shown. */
  async function loadMore() {
    const last = entries.value[entries.value.length - 1]
    if (!last || loadingMore.value) return
    loadingMore.value = true
    moreError.value = null
    const mine = generation
    try {
      const page = await adminApi.audit(auditQuery(filters, last.id))
      if (mine !== generation) return
      entries.value = [...entries.value, ...page]
      more.value = page.length === AUDIT_PAGE
    } catch (e) {
      moreError.value = toApiError(e)
    } finally {
      loadingMore.value = false
    }
  }

  /** An action's name in the current language; an action without one shows its code. */
  const actionName = (code: string) => (te(actionKey(code)) ? t(actionKey(code)) : code)
  /** A target as people read it: a role, category or unit in the current language from the
   * reference lists, else the name the server gave (a user, a rule, a customer masked), else the
   * code (`settings`). */
  const targetName = (a: Pick<AuditDto, 'target' | 'target_name'>) => {
    const [kind, id] = a.target.split(':')
    const n = Number(id)
    const local = kind === 'role' ? roleName(n) : kind === 'category' ? categoryName(n) : kind === 'org' ? orgName(n) : ''
    return local || a.target_name || a.target
  }
  // The actions seen so far, and the one chosen even when no entry of it is loaded.
  const seen = ref(new Set<string>())
  watch(entries, (list) => list.forEach((a) => seen.value.add(a.action)), { immediate: true })
  const actions = computed(() =>
    [...new Set([...seen.value, ...(filters.action ? [filters.action] : [])])]
      .map((code) => ({ code, name: actionName(code) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  )
  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase()
    return entries.value.filter(
      (a) => !q || `${a.action} ${actionName(a.action)} ${a.target} ${targetName(a)} ${JSON.stringify(a.detail)}`.toLowerCase().includes(q),
    )
  })
  return { list, rows, filters, filter, actions, actionName, targetName, more, loadMore, loadingMore, moreError }
}

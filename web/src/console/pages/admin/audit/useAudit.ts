import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { adminApi } from '@shared/api/endpoints'
import { useAsync } from '@shared/composables/useAsync'
import type { AuditDto } from '@shared/api/types'
import { loadUsers, useReference } from '../../../composables/reference'

/** The i18n key of an audit action's name (`admin.routing_rule.create` → `admin.audit.actions.admin_routing_rule_create`). */
export function actionKey(code: string): string {
  return `admin.audit.actions.${code.replace(/\./g, '_')}`
}

/** Whether an entry's detail says nothing (`{}`, `null`): shown as a dash, not as code. */
export function emptyDetail(detail: unknown): boolean {
  return detail == null || (typeof detail === 'object' && Object.keys(detail as object).length === 0)
}

export function useAudit() {
  const { t, te } = useI18n()
  const { userName } = useReference()
  const list = useAsync(adminApi.audit)
  void loadUsers().catch(() => {})
  const filter = ref('')
  const action = ref<string | null>(null)
  /** An action's name in the current language; an action without one shows its code. */
  const actionName = (code: string) => (te(actionKey(code)) ? t(actionKey(code)) : code)
  /** A target as people read it: a user's name for `user:N`, else the code (`routing_rule:7`). */
  const targetName = (target: string) => {
    const m = /^user:(\d+)$/.exec(target)
    return (m && userName(Number(m[1]))) || target
  }
  const actions = computed(() =>
    [...new Set((list.data.value ?? []).map((a) => a.action))].map((code) => ({ code, name: actionName(code) })).sort((a, b) => a.name.localeCompare(b.name)),
  )
  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase()
    return (list.data.value ?? []).filter(
      (a: AuditDto) =>
        (!action.value || a.action === action.value) &&
        (!q || `${a.action} ${actionName(a.action)} ${a.target} ${targetName(a.target)} ${JSON.stringify(a.detail)}`.toLowerCase().includes(q)),
    )
  })
  return { list, rows, filter, action, actions, actionName, targetName }
}

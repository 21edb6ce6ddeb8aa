import { computed, ref } from 'vue'
import { adminApi } from '@shared/api/endpoints'
import { useAsync } from '@shared/composables/useAsync'
import { loadUsers } from '../../../composables/reference'

export function useAudit() {
  const list = useAsync(adminApi.audit)
  void loadUsers().catch(() => {})
  const filter = ref('')
  const action = ref<string | null>(null)
  const actions = computed(() => [...new Set((list.data.value ?? []).map((a) => a.action))].sort())
  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase()
    return (list.data.value ?? []).filter(
      (a) => (!action.value || a.action === action.value) && (!q || `${a.action} ${a.target} ${JSON.stringify(a.detail)}`.toLowerCase().includes(q)),
    )
  })
  return { list, rows, filter, action, actions }
}

import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { adminApi } from '@shared/api/endpoints'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { isValidYuan } from '@shared/domain/complaint/money'

export const cellKey = (roleId: number, measure: string) => `${roleId}:${measure}`

export function useAuthority() {
  const { t } = useI18n()
  const matrix = useAsync(adminApi.authority)
  const roles = computed(() => [...(matrix.data.value?.roles ?? [])].sort((a, b) => a.rank - b.rank))
  const measures = computed(() => matrix.data.value?.measures ?? [])
  /** Server values: key → limit (元) or null. */
  const current = computed(() => {
    const m = new Map<string, number | null>()
    for (const c of matrix.data.value?.cells ?? []) m.set(cellKey(c.role_id, c.measure), c.limit ?? null)
    return m
  })
  const saving = reactive<Record<string, boolean>>({})
  const failed = reactive<Record<string, string>>({})
  const savedFlash = ref<string | null>(null)

  /** Saves one cell; `null` (empty) = not allowed without approval. */
  async function setCell(roleId: number, measure: string, value: number | null | undefined) {
    const key = cellKey(roleId, measure)
    const limit = value === undefined || value === null || Number.isNaN(value) ? null : value
    if ((current.value.get(key) ?? null) === limit) return
    if (limit !== null && !isValidYuan(limit)) {
      failed[key] = t('detail.rule.amount')
      return
    }
    saving[key] = true
    delete failed[key]
    try {
      const saved = await adminApi.setAuthority({ role_id: roleId, measure, limit })
      const cells = (matrix.data.value?.cells ?? []).filter((c) => cellKey(c.role_id, c.measure) !== key)
      matrix.data.value = { ...matrix.data.value!, cells: [...cells, saved] }
      savedFlash.value = key
      setTimeout(() => (savedFlash.value = savedFlash.value === key ? null : savedFlash.value), 1500)
    } catch (e) {
      failed[key] = toApiError(e).message
    } finally {
      saving[key] = false
    }
  }

  return { matrix, roles, measures, current, saving, failed, savedFlash, setCell }
}

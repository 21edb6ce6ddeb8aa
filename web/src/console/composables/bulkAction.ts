// A bulk action's dialog: what was selected when it opened (the list's selection is cleared when
// the list refreshes after the action), sending it, and the per-complaint summary to show.

import { ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import type { BulkAssignResult } from '@shared/api/types'
import { toApiError } from '@shared/composables/useAsync'
import { pickServerText, type AppLocale } from '@shared/i18n/locale'
import { summariseBulk, type BulkSummary } from '../components/bulk'

export function useBulkAction(open: Ref<boolean>, selected: () => { ids: number[]; caseNos: Record<number, string> }) {
  const { locale } = useI18n()
  const ids = ref<number[]>([])
  const names = ref<Record<number, string>>({})
  const summary = ref<BulkSummary | null>(null)
  const saving = ref(false)

  watch(open, (o) => {
    if (!o) return
    const s = selected()
    ids.value = [...s.ids]
    names.value = { ...s.caseNos }
    summary.value = null
  })

  /** Sends the kept ids; on an answer shows its summary and returns true, on an error says so. */
  async function run(send: (ids: number[]) => Promise<BulkAssignResult>): Promise<boolean> {
    saving.value = true
    try {
      const result = await send(ids.value)
      summary.value = summariseBulk(result, (m) => (typeof m === 'string' ? m : pickServerText(m, locale.value as AppLocale)))
      return true
    } catch (e) {
      ElMessage.error(toApiError(e).message)
      return false
    } finally {
      saving.value = false
    }
  }

  return { ids, names, summary, saving, run }
}

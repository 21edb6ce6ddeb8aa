import { computed, reactive, ref, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { adminApi } from '@shared/api/endpoints'
import type { TokenDto } from '@shared/api/types'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { useServerErrors } from '../../../composables/forms'
import { loadUsers } from '../../../composables/reference'
import { tokenRules } from './rules'

export function useTokens() {
  const { t } = useI18n()
  const list = useAsync(adminApi.tokens)
  void loadUsers().catch(() => {})
  const rows = computed(() => [...(list.data.value ?? [])].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)))
  const dialog = ref(false)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({ name: '', user_id: null as number | null })
  const rules = computed(() => tokenRules(t))
  const saving = ref(false)
  const secret = ref<string | null>(null)
  const { errors, apply, clear } = useServerErrors()

  function openCreate() {
    Object.assign(form, { name: '', user_id: null })
    secret.value = null
    clear()
    dialog.value = true
  }
  async function create() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      const r = await adminApi.createToken(form.name.trim(), form.user_id)
      secret.value = r.token
      await list.refresh()
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }
  async function revoke(tok: TokenDto) {
    try {
      await ElMessageBox.confirm(t('admin.tokens.revokeConfirm', { name: tok.name }), t('admin.tokens.revoke'), {
        type: 'warning',
        confirmButtonText: t('admin.tokens.revoke'),
        cancelButtonText: t('common.action.cancel'),
      })
      await adminApi.revokeToken(tok.id)
      ElMessage.success(t('admin.tokens.revoked'))
      await list.refresh()
    } catch (e) {
      if (e === 'cancel' || e === 'close') return
      ElMessage.error(toApiError(e).message)
    }
  }
  return { list, rows, dialog, form, rules, saving, secret, errors, openCreate, create, revoke }
}

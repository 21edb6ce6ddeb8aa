import { computed, reactive, ref, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { adminApi } from '@shared/api/endpoints'
import type { UserDto } from '@shared/api/types'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { useServerErrors } from '../../../composables/forms'
import { loadOrgUnits, loadRoles, loadUsers } from '../../../composables/reference'
import { userRules } from './rules'

export function useUsers() {
  const { t } = useI18n()
  const list = useAsync(adminApi.users)
  void loadOrgUnits().catch(() => {})
  void loadRoles().catch(() => {})
  const filter = ref('')
  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase()
    const all = list.data.value ?? []
    return q ? all.filter((u) => `${u.username} ${u.display_name} ${u.role_name} ${u.org_unit_name} ${u.email ?? ''}`.toLowerCase().includes(q)) : all
  })

  const dialog = ref(false)
  const editing = ref<UserDto | null>(null)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({
    username: '',
    display_name: '',
    email: '',
    password: '',
    org_unit_id: null as number | null,
    role_id: null as number | null,
    active: true,
  })
  const rules = computed(() => userRules(t, !editing.value))
  const saving = ref(false)
  const { errors, apply, clear } = useServerErrors()

  function openCreate() {
    editing.value = null
    Object.assign(form, { username: '', display_name: '', email: '', password: '', org_unit_id: null, role_id: null, active: true })
    clear()
    dialog.value = true
  }
  function openEdit(u: UserDto) {
    editing.value = u
    Object.assign(form, { username: u.username, display_name: u.display_name, email: u.email ?? '', password: '', org_unit_id: u.org_unit_id, role_id: u.role_id, active: u.active })
    clear()
    dialog.value = true
  }

  async function save() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      const email = form.email.trim() || null
      if (editing.value) {
        await adminApi.updateUser(editing.value.id, {
          display_name: form.display_name.trim(),
          email,
          org_unit_id: form.org_unit_id!,
          role_id: form.role_id!,
          active: form.active,
          password: form.password || null,
        })
      } else {
        await adminApi.createUser({
          username: form.username.trim(),
          display_name: form.display_name.trim(),
          email,
          password: form.password,
          org_unit_id: form.org_unit_id!,
          role_id: form.role_id!,
        })
      }
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await list.refresh()
      void loadUsers(true).catch(() => {})
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }

  return { list, rows, filter, dialog, editing, form, rules, saving, errors, openCreate, openEdit, save }
}

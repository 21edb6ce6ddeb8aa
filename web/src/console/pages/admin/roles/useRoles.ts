import { computed, reactive, ref, watch, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { adminApi } from '@shared/api/endpoints'
import type { RoleDto } from '@shared/api/types'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { useServerErrors } from '../../../composables/forms'
import { loadMeta, loadRoles, useReference } from '../../../composables/reference'
import { groupPermissions, roleRules } from './rules'

export function useRoles() {
  const { t } = useI18n()
  const { meta } = useReference()
  void loadMeta().catch(() => {})
  const list = useAsync(adminApi.roles)
  const roles = computed(() => [...(list.data.value ?? [])].sort((a, b) => a.rank - b.rank))
  const selectedId = ref<number | null>(null)
  const selected = computed(() => roles.value.find((r) => r.id === selectedId.value) ?? null)
  watch(roles, (rs) => {
    if (!selected.value && rs.length) selectedId.value = rs[0].id
  })

  const groups = computed(() => groupPermissions(meta.value?.permissions ?? []))
  const checked = ref<string[]>([])
  watch(selected, (r) => (checked.value = r ? r.permissions.map((p) => p.code) : []), { immediate: true })
  const dirty = computed(() => {
    const cur = new Set(selected.value?.permissions.map((p) => p.code) ?? [])
    return checked.value.length !== cur.size || checked.value.some((c) => !cur.has(c))
  })
  const savingPerms = ref(false)
  async function savePermissions() {
    const r = selected.value
    if (!r) return
    savingPerms.value = true
    try {
      await adminApi.updateRole(r.id, { name: r.name, name_en: r.name_en, rank: r.rank, permissions: checked.value })
      ElMessage.success(t('common.saved'))
      await list.refresh()
      void loadRoles(true).catch(() => {})
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      savingPerms.value = false
    }
  }

  // create / rename dialog
  const dialog = ref(false)
  const editing = ref<RoleDto | null>(null)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({ code: '', name: '', name_en: '', rank: 10 })
  const rules = computed(() => roleRules(t, !editing.value))
  const saving = ref(false)
  const { errors, apply, clear } = useServerErrors()
  function openCreate() {
    editing.value = null
    Object.assign(form, { code: '', name: '', name_en: '', rank: 10 })
    clear()
    dialog.value = true
  }
  function openEdit(r: RoleDto) {
    editing.value = r
    Object.assign(form, { code: r.code, name: r.name, name_en: r.name_en, rank: r.rank })
    clear()
    dialog.value = true
  }
  async function save() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      if (editing.value) {
        await adminApi.updateRole(editing.value.id, {
          name: form.name.trim(),
          name_en: form.name_en.trim() || null,
          rank: form.rank,
          permissions: editing.value.permissions.map((p) => p.code),
        })
      } else {
        const r = await adminApi.createRole({ code: form.code.trim(), name: form.name.trim(), name_en: form.name_en.trim() || null, rank: form.rank, permissions: [] })
        selectedId.value = r.id
      }
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await list.refresh()
      void loadRoles(true).catch(() => {})
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }

  return { list, roles, selectedId, selected, groups, checked, dirty, savingPerms, savePermissions, dialog, editing, form, rules, saving, errors, openCreate, openEdit, save }
}

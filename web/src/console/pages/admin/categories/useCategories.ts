import { computed, reactive, ref, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { adminApi } from '@shared/api/endpoints'
import type { CategoryDto } from '@shared/api/types'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { buildTree, type TreeNode } from '@shared/utils/tree'
import { useServerErrors } from '../../../composables/forms'
import { loadCategories } from '../../../composables/reference'
import { categoryRules } from './rules'

export interface CategoryRow extends CategoryDto {
  children?: CategoryRow[]
}

function toRows(nodes: TreeNode<CategoryDto>[]): CategoryRow[] {
  return nodes.map((n) => ({ ...n.item, children: n.children.length ? toRows(n.children) : undefined }))
}

export function useCategories() {
  const { t } = useI18n()
  const list = useAsync(adminApi.categories)
  const rows = computed(() => toRows(buildTree(list.data.value ?? [], (c) => c.sort)))

  const dialog = ref(false)
  const editing = ref<CategoryDto | null>(null)
  const parent = ref<CategoryDto | null>(null)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({ code: '', name: '', name_en: '', sort: 0, active: true })
  const rules = computed(() => categoryRules(t, !editing.value))
  const saving = ref(false)
  const { errors, apply, clear } = useServerErrors()

  function openCreate(p: CategoryDto | null) {
    editing.value = null
    parent.value = p
    Object.assign(form, { code: '', name: '', name_en: '', sort: 0, active: true })
    clear()
    dialog.value = true
  }
  function openEdit(c: CategoryDto) {
    editing.value = c
    parent.value = null
    Object.assign(form, { code: c.code, name: c.name, name_en: c.name_en, sort: c.sort, active: c.active })
    clear()
    dialog.value = true
  }
  async function after() {
    await list.refresh()
    void loadCategories(true).catch(() => {})
  }
  async function save() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      const base = { name: form.name.trim(), name_en: form.name_en.trim() || null, sort: form.sort, active: form.active }
      if (editing.value) await adminApi.updateCategory(editing.value.id, base)
      else await adminApi.createCategory({ ...base, code: form.code.trim(), parent_id: parent.value?.id ?? null })
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await after()
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }
  async function toggleActive(c: CategoryDto) {
    try {
      if (c.active) {
        await ElMessageBox.confirm(t('admin.categories.deactivateConfirm', { name: c.name }), t('admin.categories.deactivate'), { type: 'warning' })
      }
      await adminApi.updateCategory(c.id, { name: c.name, name_en: c.name_en, sort: c.sort, active: !c.active })
      ElMessage.success(t('common.saved'))
      await after()
    } catch (e) {
      if (e === 'cancel' || e === 'close') return
      ElMessage.error(toApiError(e).message)
    }
  }

  return { list, rows, dialog, editing, parent, form, rules, saving, errors, openCreate, openEdit, save, toggleActive }
}

import { computed, reactive, ref, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { adminApi } from '@shared/api/endpoints'
import type { OrgUnitDto } from '@shared/api/types'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { buildTree } from '@shared/utils/tree'
import { useServerErrors } from '../../../composables/forms'
import { loadOrgUnits } from '../../../composables/reference'
import { childKinds, orgRules } from './rules'

export function useOrg() {
  const { t } = useI18n()
  const list = useAsync(adminApi.orgUnits)
  const tree = computed(() => buildTree(list.data.value ?? [], (o) => o.path))

  const dialog = ref(false)
  const parent = ref<OrgUnitDto | null>(null)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive({ kind: 'department', code: '', name: '', name_en: '' })
  const rules = computed(() => orgRules(t))
  const kinds = computed(() => childKinds(parent.value?.kind ?? 'group'))
  const saving = ref(false)
  const { errors, apply, clear } = useServerErrors()

  function addChild(p: OrgUnitDto) {
    parent.value = p
    Object.assign(form, { kind: childKinds(p.kind)[0], code: '', name: '', name_en: '' })
    clear()
    dialog.value = true
  }

  async function save() {
    if (!parent.value || !(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      await adminApi.createOrgUnit({ parent_id: parent.value.id, kind: form.kind, code: form.code.trim(), name: form.name.trim(), name_en: form.name_en.trim() || null })
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await list.refresh()
      void loadOrgUnits(true).catch(() => {})
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }

  return { list, tree, dialog, parent, form, rules, kinds, saving, errors, addChild, save }
}

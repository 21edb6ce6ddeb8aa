// The routing admin page: keyword rules (list, create, edit, enable, delete), the stored
// models with a button to train each target and one to put an older version back in use, and a
// preview of how a text would be routed.

import { computed, reactive, ref, shallowRef, useTemplateRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance } from 'element-plus'
import { routingApi } from '@shared/api/endpoints'
import type { BacktestDto, ModelDto, RuleDto } from '@shared/api/types'
import type { RoutingDecision } from '@shared/domain/complaint/routing'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { useServerErrors } from '../../../composables/forms'
import { loadCategories, loadOrgUnits, useReference } from '../../../composables/reference'
import { emptyForm, formOf, requestOf, ruleFormRules, type RuleForm } from './rules'
import { restoredVersion } from './models'

export function useRouting() {
  const { t } = useI18n()
  const rules = useAsync(routingApi.rules)
  const models = useAsync(routingApi.models)
  const { categories, orgUnits } = useReference()
  void loadCategories().catch(() => {})
  void loadOrgUnits().catch(() => {})

  /** Department names (one entry per name: rules name a department, found within each company). */
  const departmentNames = computed(() => [...new Set(orgUnits.value.filter((o) => o.kind === 'department').map((o) => o.name))].sort())
  const categoryChoices = computed(() => categories.value.filter((c) => c.active))

  const dialog = ref(false)
  const editing = ref<RuleDto | null>(null)
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive<RuleForm>(emptyForm())
  const formRules = computed(() => ruleFormRules(t, () => form))
  const saving = ref(false)
  const { errors, apply, clear } = useServerErrors((f) => (f.startsWith('patterns') ? 'patterns' : f === 'category_code' ? 'category_code' : f))

  function openCreate() {
    editing.value = null
    Object.assign(form, emptyForm())
    clear()
    trial.value = null
    dialog.value = true
  }
  function openEdit(r: RuleDto) {
    editing.value = r
    Object.assign(form, formOf(r))
    clear()
    trial.value = null
    dialog.value = true
  }

  // 试运行: the rule as the form holds it, tried on recent complaints before it is saved. A
  // result no longer matches the form once the form changes, so it is marked stale.
  const trialDays = ref(30)
  const trialing = ref(false)
  const trial = shallowRef<BacktestDto | null>(null)
  const trialStale = ref(false)
  watch(form, () => (trialStale.value = trial.value !== null), { deep: true })
  async function runTrial() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    trialing.value = true
    clear()
    try {
      trial.value = await routingApi.backtest(requestOf(form), editing.value?.id ?? null, trialDays.value)
      trialStale.value = false
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      trialing.value = false
    }
  }
  async function save() {
    if (!(await formRef.value?.validate().catch(() => false))) return
    saving.value = true
    try {
      const req = requestOf(form)
      if (editing.value) await routingApi.updateRule(editing.value.id, req)
      else await routingApi.createRule(req)
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await rules.refresh()
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) ElMessage.error(err.message)
    } finally {
      saving.value = false
    }
  }
  async function toggle(r: RuleDto) {
    try {
      await routingApi.updateRule(r.id, { ...requestOf(formOf(r)), enabled: !r.enabled })
      await rules.refresh()
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    }
  }
  async function remove(r: RuleDto) {
    try {
      await ElMessageBox.confirm(t('routing.rules.deleteConfirm', { name: r.name }), t('common.action.delete'), { type: 'warning' })
      await routingApi.deleteRule(r.id)
      ElMessage.success(t('common.saved'))
      await rules.refresh()
    } catch (e) {
      if (e === 'cancel' || e === 'close') return
      ElMessage.error(toApiError(e).message)
    }
  }

  const training = ref<string | null>(null)
  async function train(target: 'category' | 'department') {
    training.value = target
    try {
      const m = await routingApi.train(target)
      ElMessage.success(t('routing.models.trained', { target: t(`routing.models.targetName.${target}`), version: m.version }))
      await models.refresh()
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      training.value = null
    }
  }

  /** The model being restored, as `target:version`. */
  const restoring = ref<string | null>(null)
  async function restore(m: ModelDto) {
    const target = t(`routing.models.targetName.${m.target}`)
    try {
      await ElMessageBox.confirm(
        t('routing.models.restoreConfirm', { target, version: m.version, next: restoredVersion(models.data.value ?? [], m) }),
        t('routing.models.restoreTitle'),
        { type: 'warning', confirmButtonText: t('routing.models.restore') },
      )
    } catch {
      return
    }
    restoring.value = `${m.target}:${m.version}`
    try {
      const copy = await routingApi.restoreModel(m.target, m.version)
      ElMessage.success(t('routing.models.restored', { target, version: copy.version, from: m.version }))
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      restoring.value = null
      // Refused or not, the list may have been stale: show what is stored now.
      await models.refresh()
    }
  }

  const previewText = ref('')
  const previewing = ref(false)
  const preview = shallowRef<RoutingDecision | null>(null)
  async function runPreview() {
    if (!previewText.value.trim()) return
    previewing.value = true
    try {
      preview.value = await routingApi.preview(previewText.value)
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    } finally {
      previewing.value = false
    }
  }

  return {
    rules,
    models,
    departmentNames,
    categoryChoices,
    dialog,
    editing,
    form,
    formRules,
    saving,
    errors,
    openCreate,
    openEdit,
    save,
    trialDays,
    trialing,
    trial,
    trialStale,
    runTrial,
    toggle,
    remove,
    training,
    train,
    restoring,
    restore,
    previewText,
    previewing,
    preview,
    runPreview,
  }
}

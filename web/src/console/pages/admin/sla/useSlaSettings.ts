import { computed, ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { slaAdminApi } from '@shared/api/endpoints'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import { useSessionStore } from '../../../stores/session'
import { loadCategories } from '../../../composables/reference'
import {
  checkPolicy,
  checkSettings,
  newRule,
  policyErrorKey,
  policyForm,
  policyPayload,
  settingsErrorKey,
  settingsForm,
  settingsPayload,
  type RuleForm,
  type SettingsForm,
} from './rules'

export function useSlaSettings() {
  const { t } = useI18n()
  const session = useSessionStore()
  const canEdit = computed(() => session.can('admin.sla'))
  void loadCategories().catch(() => {})

  // --- SLA policy -------------------------------------------------------------------------------------
  const policy = useAsync(slaAdminApi.policy)
  const rows = ref<RuleForm[]>([])
  const snapshot = ref('')
  watch(policy.data, (p) => {
    if (!p) return
    rows.value = policyForm(p)
    snapshot.value = JSON.stringify(policyPayload(rows.value))
  })
  const policyDirty = computed(() => !!policy.data.value && JSON.stringify(policyPayload(rows.value)) !== snapshot.value)
  /** `row.col` → message (already translated). */
  const policyErrors = ref<Record<string, string>>({})
  const savingPolicy = ref(false)
  function addRule() {
    rows.value.push(newRule())
  }
  function removeRule(i: number) {
    rows.value.splice(i, 1)
    policyErrors.value = {}
  }
  function resetPolicy() {
    if (policy.data.value) rows.value = policyForm(policy.data.value)
    policyErrors.value = {}
  }
  async function savePolicy() {
    const local = checkPolicy(rows.value)
    policyErrors.value = Object.fromEntries(Object.entries(local).map(([k, v]) => [k, t(v)]))
    if (Object.keys(local).length) return
    savingPolicy.value = true
    try {
      policy.data.value = await slaAdminApi.putPolicy(policyPayload(rows.value))
      ElMessage.success(t('slaAdmin.savedPolicy'))
    } catch (e) {
      const err = toApiError(e)
      const next: Record<string, string> = {}
      for (const [f, m] of Object.entries(err.fieldErrors)) {
        const k = policyErrorKey(f)
        next[k] = next[k] ? `${next[k]}；${m}` : m
      }
      if (!Object.keys(next).length) next._ = err.message
      policyErrors.value = next
    } finally {
      savingPolicy.value = false
    }
  }

  // --- thresholds, risk, batch ------------------------------------------------------------------------
  const settings = useAsync(slaAdminApi.alertSettings)
  const form = ref<SettingsForm | null>(null)
  const settingsSnapshot = ref('')
  watch(settings.data, (s) => {
    if (!s) return
    form.value = settingsForm(s)
    settingsSnapshot.value = JSON.stringify(settingsPayload(form.value))
  })
  const settingsDirty = computed(() => !!form.value && JSON.stringify(settingsPayload(form.value)) !== settingsSnapshot.value)
  const settingsErrors = ref<Record<string, string>>({})
  const savingSettings = ref(false)
  function resetSettings() {
    if (settings.data.value) form.value = settingsForm(settings.data.value)
    settingsErrors.value = {}
  }
  async function saveSettings() {
    if (!form.value) return
    const local = checkSettings(form.value)
    settingsErrors.value = Object.fromEntries(Object.entries(local).map(([k, v]) => [k, t(v)]))
    if (Object.keys(local).length) return
    savingSettings.value = true
    try {
      settings.data.value = await slaAdminApi.putAlertSettings(settingsPayload(form.value))
      ElMessage.success(t('slaAdmin.savedSettings'))
    } catch (e) {
      const err = toApiError(e)
      const next: Record<string, string> = {}
      for (const [f, m] of Object.entries(err.fieldErrors)) {
        const k = settingsErrorKey(f)
        next[k] = next[k] ? `${next[k]}；${m}` : m
      }
      if (!Object.keys(next).length) next._ = err.message
      settingsErrors.value = next
    } finally {
      savingSettings.value = false
    }
  }

  return {
    canEdit,
    policy,
    rows,
    policyDirty,
    policyErrors,
    savingPolicy,
    addRule,
    removeRule,
    resetPolicy,
    savePolicy,
    settings,
    form,
    settingsDirty,
    settingsErrors,
    savingSettings,
    resetSettings,
    saveSettings,
  }
}

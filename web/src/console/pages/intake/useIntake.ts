import { computed, reactive, ref, shallowRef, useTemplateRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FormInstance, UploadUserFile } from 'element-plus'
import { complaintsApi, customersApi } from '@shared/api/endpoints'
import type { ComplaintDto, CustomerCard, IntakeRequest } from '@shared/api/types'
import { toApiError } from '@shared/composables/useAsync'
import type { ApiError } from '@shared/api/http'
import { isOpen } from '@shared/domain/complaint/status'
import { newIdempotencyKey, useServerErrors } from '../../composables/forms'
import { useReference } from '../../composables/reference'
import { intakeField, intakeRules, isPhone, normalisePhone, type IntakeForm } from './rules'

export const MAX_FILE_MB = 20

function blank(): IntakeForm {
  return {
    phone: '',
    name: '',
    email: '',
    channel: 'phone',
    category_id: null,
    severity: null,
    product_ref: '',
    order_ref: '',
    summary: '',
    content: '',
    customer_request: '',
  }
}

export function useIntake() {
  const { t } = useI18n()
  const { categories } = useReference()
  const formRef = useTemplateRef<FormInstance>('formEl')
  const form = reactive<IntakeForm>(blank())
  const rules = computed(() => intakeRules(t, form))
  const files = ref<UploadUserFile[]>([])
  const { errors, apply, clear } = useServerErrors(intakeField)
  let idemKey = newIdempotencyKey()

  // --- customer lookup by phone --------------------------------------------------------------
  const lookup = shallowRef<CustomerCard | null>(null)
  const lookupState = ref<'idle' | 'loading' | 'found' | 'none' | 'error'>('idle')
  const lookupError = shallowRef<ApiError | null>(null)
  let lastLooked = ''
  async function lookUp(force = false) {
    const phone = normalisePhone(form.phone)
    if (!isPhone(phone) || (!force && phone === lastLooked)) return
    lastLooked = phone
    lookupState.value = 'loading'
    try {
      const card = await customersApi.lookup(phone)
      lookup.value = card
      lookupState.value = card ? 'found' : 'none'
    } catch (e) {
      lookupError.value = toApiError(e)
      lookupState.value = 'error'
    }
  }
  const openHistory = computed(() => lookup.value?.complaints.filter((c) => isOpen(c.state)) ?? [])

  // --- submit ---------------------------------------------------------------------------------
  const submitting = ref(false)
  const created = shallowRef<ComplaintDto | null>(null)
  const uploadFailures = ref<{ name: string; message: string }[]>([])
  const formError = ref('')

  function request(): IntakeRequest {
    const opt = (s: string) => (s.trim() ? s.trim() : null)
    return {
      customer: { name: form.name.trim(), phone: opt(normalisePhone(form.phone)), email: opt(form.email) },
      channel: form.channel,
      category: form.category_id != null ? (categories.value.find((c) => c.id === form.category_id)?.code ?? String(form.category_id)) : null,
      severity: form.severity,
      product_ref: opt(form.product_ref),
      order_ref: opt(form.order_ref),
      summary: opt(form.summary),
      content: form.content.trim(),
      customer_request: opt(form.customer_request),
    }
  }

  async function submit() {
    formError.value = ''
    clear()
    if (!(await formRef.value?.validate().catch(() => false))) return
    submitting.value = true
    try {
      const c = await complaintsApi.intake(request(), idemKey)
      // Evidence goes up right after the complaint exists; a failed file does not undo the intake.
      uploadFailures.value = []
      for (const f of files.value) {
        if (!f.raw) continue
        try {
          await complaintsApi.uploadEvidence(c.id, f.raw)
        } catch (e) {
          uploadFailures.value.push({ name: f.name, message: toApiError(e).message })
        }
      }
      created.value = c
    } catch (e) {
      const err = toApiError(e)
      if (!(await apply(err))) formError.value = err.message
    } finally {
      submitting.value = false
    }
  }

  function reset() {
    Object.assign(form, blank())
    files.value = []
    created.value = null
    lookup.value = null
    lookupState.value = 'idle'
    lastLooked = ''
    uploadFailures.value = []
    formError.value = ''
    clear()
    idemKey = newIdempotencyKey()
    formRef.value?.clearValidate()
  }

  function beforeAdd(file: File): boolean {
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      ElMessage.error(t('intake.fileTooLarge', { name: file.name, n: MAX_FILE_MB }))
      return false
    }
    return true
  }

  const dirty = computed(() => !created.value && (form.content.trim() !== '' || form.name.trim() !== '' || form.phone.trim() !== ''))

  return {
    form,
    rules,
    files,
    errors,
    lookup,
    lookupState,
    lookupError,
    lookUp,
    openHistory,
    submitting,
    created,
    uploadFailures,
    formError,
    submit,
    reset,
    beforeAdd,
    dirty,
  }
}

// The complaint form: state, checks, sending, and the server's answer (field errors on their
// fields; an unknown topic code is retried without the topic).

import { nextTick, reactive, ref, shallowRef } from 'vue'
import { useRouter } from 'vue-router'
import type { ApiError } from '@shared/api/http'
import { toApiError } from '@shared/composables/useAsync'
import { portalApi } from '../../api/portal'
import { useFieldErrors } from '../../composables/fieldErrors'
import { rememberReceipt } from '../submitted/receipt'
import { FIELD_ORDER, LIMITS, emptyForm, toSubmission, validateSubmission, type SubmitForm } from './rules'

export function useSubmit() {
  const router = useRouter()
  const form = reactive<SubmitForm>(emptyForm())
  const errors = useFieldErrors(LIMITS)
  const sending = ref(false)
  const failure = shallowRef<ApiError | null>(null)
  /** After the first attempt, fields re-check as they change. */
  const tried = ref(false)

  function recheck(field: keyof SubmitForm) {
    if (!tried.value) {
      errors.clear(field)
      return
    }
    const problems = validateSubmission(form)
    // Phone and email are checked together.
    const related = field === 'phone' || field === 'email' ? ['phone', 'email'] : [field]
    for (const f of related) {
      errors.clear(f)
      if (problems[f]) errors.setOne(f, problems[f])
    }
  }

  async function focusFirstError() {
    await nextTick()
    const first = FIELD_ORDER.find((f) => errors.has(f))
    if (!first) return
    const el = document.querySelector<HTMLElement>(`[data-field="${first}"] input, [data-field="${first}"] textarea`)
    el?.focus()
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }

  async function submit() {
    tried.value = true
    failure.value = null
    const problems = validateSubmission(form)
    errors.setClient(problems)
    if (Object.keys(problems).length) {
      await focusFirstError()
      return
    }
    sending.value = true
    try {
      let receipt
      try {
        receipt = await portalApi.submit(toSubmission(form))
      } catch (e) {
        const err = toApiError(e)
        const codes = Object.entries(err.fieldCodes)
        if (form.category && codes.length === 1 && codes[0][0] === 'category') {
          // This installation has no such topic: send the complaint without it.
          receipt = await portalApi.submit(toSubmission(form, false))
        } else {
          throw err
        }
      }
      rememberReceipt(receipt)
      await router.push({ name: 'submitted', state: { caseNo: receipt.case_no, token: receipt.token } })
    } catch (e) {
      const err = toApiError(e)
      if (errors.setServer(err)) {
        await focusFirstError()
      } else {
        failure.value = err
      }
    } finally {
      sending.value = false
    }
  }

  function reset() {
    Object.assign(form, emptyForm())
    errors.clearAll()
    failure.value = null
    tried.value = false
  }

  return { form, errors, sending, failure, submit, recheck, reset }
}

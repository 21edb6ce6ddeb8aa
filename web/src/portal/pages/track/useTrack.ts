// Track: case number + phone or email → a fresh link token → the complaint page.

import { reactive, ref, shallowRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { ApiError } from '@shared/api/http'
import { toApiError } from '@shared/composables/useAsync'
import { portalApi } from '../../api/portal'
import { clean } from '../../domain/validation'
import { useFieldErrors } from '../../composables/fieldErrors'
import { normaliseCaseNo, validateTrack, type TrackForm } from './rules'

export function useTrack() {
  const router = useRouter()
  const route = useRoute()
  const form = reactive<TrackForm>({
    case_no: typeof route.query.case === 'string' ? route.query.case : '',
    contact: '',
  })
  const errors = useFieldErrors({ case_no: 40 })
  const sending = ref(false)
  const failure = shallowRef<ApiError | null>(null)
  const notFound = ref(false)

  function edited(field: keyof TrackForm) {
    errors.clear(field)
    notFound.value = false
  }

  async function submit() {
    failure.value = null
    notFound.value = false
    const problems = validateTrack(form)
    errors.setClient(problems)
    if (Object.keys(problems).length) return
    sending.value = true
    try {
      const { token } = await portalApi.track({ case_no: normaliseCaseNo(form.case_no), contact: clean(form.contact) })
      await router.push({ name: 'complaint', params: { token } })
    } catch (e) {
      const err = toApiError(e)
      if (err.isNotFound) notFound.value = true
      else if (!errors.setServer(err)) failure.value = err
    } finally {
      sending.value = false
    }
  }

  return { form, errors, sending, failure, notFound, submit, edited }
}

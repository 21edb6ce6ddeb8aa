// The complaint page's data and actions: load by link token, agree/disagree with the remedy,
// rate. A 409 (the state moved on meanwhile) reloads the complaint and says so.

import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import type { ApiError } from '@shared/api/http'
import { toApiError, useAsync } from '@shared/composables/useAsync'
import { isLinkToken, portalApi, type PublicComplaint } from '../../api/portal'
import { progressOf } from '../../domain/progress'

export type Thanks = 'agreed' | 'disagreed' | 'rated' | null

export function useComplaint(token: Ref<string>) {
  const validToken = computed(() => isLinkToken(token.value))
  const state = useAsync<PublicComplaint>(() => portalApi.view(token.value), { immediate: false })
  const sending = ref<'agree' | 'disagree' | 'rate' | null>(null)
  const actionError = shallowRef<ApiError | null>(null)
  /** The last thing the customer did on this page, for the thank-you message. */
  const thanks = ref<Thanks>(null)
  const conflict = ref(false)

  watch(
    token,
    () => {
      thanks.value = null
      actionError.value = null
      if (validToken.value) void state.refresh()
    },
    { immediate: true },
  )

  const complaint = computed(() => state.data.value)
  const progress = computed(() =>
    progressOf(complaint.value?.state ?? 'received', { rated: !!complaint.value?.satisfaction }),
  )
  const notFound = computed(() => !validToken.value || !!state.error.value?.isNotFound)

  async function act(kind: 'agree' | 'disagree' | 'rate', call: () => Promise<PublicComplaint>, done: Thanks) {
    sending.value = kind
    actionError.value = null
    conflict.value = false
    try {
      state.data.value = await call()
      thanks.value = done
      return true
    } catch (e) {
      const err = toApiError(e)
      if (err.status === 409) {
        conflict.value = true
        await state.refresh()
      } else {
        actionError.value = err
      }
      return false
    } finally {
      sending.value = null
    }
  }

  const decide = (agree: boolean, comment: string) =>
    act(agree ? 'agree' : 'disagree', () => portalApi.decide(token.value, agree, comment.trim()), agree ? 'agreed' : 'disagreed')

  const rate = (stars: number, comment: string) => act('rate', () => portalApi.rate(token.value, stars, comment.trim()), 'rated')

  /** Reloads; a thank-you note from before no longer applies to what is shown then. */
  async function refresh() {
    thanks.value = null
    conflict.value = false
    actionError.value = null
    await state.refresh()
  }

  return {
    token,
    complaint,
    loading: state.loading,
    error: state.error,
    refresh,
    notFound,
    progress,
    sending,
    actionError,
    thanks,
    conflict,
    decide,
    rate,
  }
}

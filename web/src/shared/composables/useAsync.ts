// Server data in page composables: data / loading / error / refresh (STYLE-WEB §6).

import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError } from '../api/http'

export interface AsyncState<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: ShallowRef<ApiError | null>
  refresh: () => Promise<void>
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  return new ApiError({ status: 0, code: 'client', message: (e as Error)?.message ?? String(e) })
}

/** Runs `load` now (unless `immediate: false`) and on every `refresh()`; the newest call wins. */
export function useAsync<T>(load: () => Promise<T>, opts: { immediate?: boolean; initial?: T } = {}): AsyncState<T> {
  const data = shallowRef<T | null>(opts.initial ?? null) as ShallowRef<T | null>
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let seq = 0
  async function refresh() {
    const my = ++seq
    loading.value = true
    error.value = null
    try {
      const v = await load()
      if (my === seq) data.value = v
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') return
      if (my === seq) error.value = toApiError(e)
    } finally {
      if (my === seq) loading.value = false
    }
  }
  if (opts.immediate !== false) void refresh()
  return { data, loading, error, refresh }
}

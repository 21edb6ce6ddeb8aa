// Who is logged in, what they may do, and the CSRF token (Pinia: session + permissions only).

import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { authApi } from '@shared/api/endpoints'
import { setCsrfToken } from '@shared/api/http'
import type { PermissionDto, SessionDto, UserDto } from '@shared/api/types'
import { hasAll, missing, type PermissionRequirement } from '@shared/utils/permissions'

export type SessionStatus = 'unknown' | 'anonymous' | 'authenticated'

export const useSessionStore = defineStore('session', () => {
  const user = shallowRef<UserDto | null>(null)
  const permissionList = shallowRef<PermissionDto[]>([])
  const status = ref<SessionStatus>('unknown')
  const permissions = computed(() => new Set(permissionList.value.map((p) => p.code)))

  function apply(s: SessionDto) {
    user.value = s.user
    permissionList.value = s.permissions
    setCsrfToken(s.csrf_token || null)
    status.value = 'authenticated'
  }

  function clear() {
    user.value = null
    permissionList.value = []
    setCsrfToken(null)
    status.value = 'anonymous'
  }

  let pending: Promise<void> | null = null
  /** Asks the server who we are (once; later calls share the answer). */
  function bootstrap(force = false): Promise<void> {
    if (status.value !== 'unknown' && !force) return Promise.resolve()
    if (!pending) {
      pending = authApi
        .me()
        .then(apply)
        .catch(() => clear())
        .finally(() => {
          pending = null
        })
    }
    return pending
  }

  async function login(username: string, password: string) {
    apply(await authApi.login(username, password))
  }

  async function logout() {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  const can = (need: PermissionRequirement) => hasAll(permissions.value, need)
  const missingFor = (need: PermissionRequirement) => missing(permissions.value, need)

  return { user, permissionList, permissions, status, bootstrap, login, logout, clear, apply, can, missingFor }
})

import { createRouter, createWebHistory, type Router } from 'vue-router'
import type { Pinia } from 'pinia'
import { routes } from './routes'
import { useSessionStore } from '../stores/session'
import { usePrefsStore } from '../stores/prefs'
import { setUnauthenticatedHandler } from '@shared/api/http'
import type { AppI18n } from '@shared/i18n'

export function createConsoleRouter(pinia: Pinia, i18n: AppI18n): Router {
  const router = createRouter({
    history: createWebHistory('/'),
    routes,
    scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash, top: 80 } : { top: 0 }),
  })

  router.beforeEach(async (to) => {
    const session = useSessionStore(pinia)
    await session.bootstrap()
    if (to.meta.public) {
      if (to.name === 'login' && session.status === 'authenticated') return { name: 'home' }
      return true
    }
    if (session.status !== 'authenticated') {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    usePrefsStore(pinia).useFor(session.user!.username)
    const lacking = session.missingFor(to.meta.permissions)
    if (lacking.length) {
      return { name: 'forbidden', query: { need: lacking.join(','), from: to.fullPath }, replace: true }
    }
    return true
  })

  router.afterEach((to) => {
    const t = (i18n.global as unknown as { t: (k: string) => string }).t
    const brand = t('common.brand')
    document.title = to.meta.title ? `${t(to.meta.title)} · ${brand}` : brand
  })

  // After a new deployment, old lazy chunks are gone: load the new version once.
  router.onError((err, to) => {
    const msg = String((err as Error)?.message ?? err)
    if (/Failed to fetch dynamically imported module|Importing a module script failed|error loading dynamically imported module/i.test(msg)) {
      if (sessionStorage.getItem('cloop.reloaded') !== to.fullPath) {
        sessionStorage.setItem('cloop.reloaded', to.fullPath)
        window.location.assign(to.fullPath)
      }
    }
  })

  // A 401 anywhere (session expired, logged out elsewhere) goes back to the login page.
  setUnauthenticatedHandler(() => {
    const session = useSessionStore(pinia)
    if (session.status === 'authenticated') session.clear()
    const cur = router.currentRoute.value
    if (cur.name !== 'login') void router.push({ name: 'login', query: { redirect: cur.fullPath, expired: '1' } })
  })

  return router
}

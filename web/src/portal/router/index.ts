// Portal routes, under /portal/ (history mode; the server answers portal.html for every
// /portal/… path). Each route names its title key; no route needs a login.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import SubmitView from '../pages/submit/SubmitView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the document title. */
    portalTitle?: string
    /** Which tab of the portal nav is active. */
    tab?: 'submit' | 'track'
  }
}

export const PORTAL_BASE = '/portal/'

export const portalRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'submit', component: SubmitView, meta: { portalTitle: 'portal.title.submit', tab: 'submit' } },
  {
    path: '/submitted',
    name: 'submitted',
    component: () => import('../pages/submitted/SubmittedView.vue'),
    meta: { portalTitle: 'portal.title.submitted', tab: 'submit' },
  },
  {
    path: '/track',
    name: 'track',
    component: () => import('../pages/track/TrackView.vue'),
    meta: { portalTitle: 'portal.title.track', tab: 'track' },
  },
  {
    path: '/c/:token',
    name: 'complaint',
    component: () => import('../pages/complaint/ComplaintView.vue'),
    meta: { portalTitle: 'portal.title.complaint', tab: 'track' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../pages/errors/NotFoundView.vue'),
    meta: { portalTitle: 'portal.title.notFound' },
  },
]

export function createPortalRouter(base: string = PORTAL_BASE) {
  return createRouter({
    history: createWebHistory(base),
    routes: portalRoutes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
}

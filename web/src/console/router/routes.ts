// The route table. Every named route declares the permissions it needs (a test walks this
// table); the guard shows the 403 page naming what is missing.

import type { RouteRecordRaw } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Permissions needed (all of them); `[]` = any logged-in user. */
    permissions?: readonly string[]
    /** Reachable without logging in. */
    public?: boolean
    /** i18n key of the page title (breadcrumb, document title). */
    title?: string
    /** Breadcrumb parent: i18n key of the section. */
    section?: string
    /** Menu entry: icon name (see components/icons.ts). */
    menuIcon?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../pages/login/LoginView.vue'),
    meta: { public: true, permissions: [], title: 'auth.login.title' },
  },
  {
    path: '/',
    component: () => import('../layout/ConsoleLayout.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('../pages/dashboard/DashboardView.vue'),
        meta: { permissions: ['complaint.view'], title: 'nav.home', menuIcon: 'home' },
      },
      {
        path: 'workbench',
        name: 'workbench',
        component: () => import('../pages/workbench/WorkbenchView.vue'),
        meta: { permissions: ['complaint.view'], title: 'nav.workbench', menuIcon: 'workbench' },
      },
      {
        path: 'complaints/new',
        name: 'intake',
        component: () => import('../pages/intake/IntakeView.vue'),
        meta: { permissions: ['complaint.register'], title: 'nav.intake', menuIcon: 'intake' },
      },
      {
        path: 'complaints/:key',
        name: 'complaint',
        component: () => import('../pages/complaint/ComplaintDetailView.vue'),
        meta: { permissions: ['complaint.view'], title: 'nav.complaint', section: 'nav.workbench' },
      },
      {
        path: 'alerts',
        name: 'alerts',
        component: () => import('../pages/alerts/AlertsView.vue'),
        // Everyone signed in has their own alerts.
        meta: { permissions: [], title: 'nav.alerts', menuIcon: 'alerts' },
      },
      {
        path: 'admin/org',
        name: 'admin-org',
        component: () => import('../pages/admin/org/OrgView.vue'),
        meta: { permissions: ['admin.org'], title: 'nav.adminOrg', section: 'nav.admin', menuIcon: 'org' },
      },
      {
        path: 'admin/users',
        name: 'admin-users',
        component: () => import('../pages/admin/users/UsersView.vue'),
        meta: { permissions: ['admin.users'], title: 'nav.adminUsers', section: 'nav.admin', menuIcon: 'users' },
      },
      {
        path: 'admin/roles',
        name: 'admin-roles',
        component: () => import('../pages/admin/roles/RolesView.vue'),
        meta: { permissions: ['admin.roles'], title: 'nav.adminRoles', section: 'nav.admin', menuIcon: 'roles' },
      },
      {
        path: 'admin/categories',
        name: 'admin-categories',
        component: () => import('../pages/admin/categories/CategoriesView.vue'),
        meta: { permissions: ['admin.categories'], title: 'nav.adminCategories', section: 'nav.admin', menuIcon: 'categories' },
      },
      {
        path: 'admin/routing',
        name: 'admin-routing',
        component: () => import('../pages/admin/routing/RoutingView.vue'),
        meta: { permissions: ['admin.routing'], title: 'nav.adminRouting', section: 'nav.admin', menuIcon: 'routing' },
      },
      {
        path: 'admin/authority',
        name: 'admin-authority',
        component: () => import('../pages/admin/authority/AuthorityView.vue'),
        meta: { permissions: ['admin.authority'], title: 'nav.adminAuthority', section: 'nav.admin', menuIcon: 'authority' },
      },
      {
        // Read by everyone who sees complaints (deadlines depend on it); changed with admin.sla.
        path: 'admin/calendar',
        name: 'admin-calendar',
        component: () => import('../pages/admin/calendar/CalendarView.vue'),
        meta: { permissions: ['complaint.view'], title: 'nav.adminCalendar', section: 'nav.admin', menuIcon: 'calendar' },
      },
      {
        path: 'admin/sla',
        name: 'admin-sla',
        component: () => import('../pages/admin/sla/SlaView.vue'),
        meta: { permissions: ['complaint.view'], title: 'nav.adminSla', section: 'nav.admin', menuIcon: 'sla' },
      },
      {
        path: 'admin/tokens',
        name: 'admin-tokens',
        component: () => import('../pages/admin/tokens/TokensView.vue'),
        meta: { permissions: ['admin.tokens'], title: 'nav.adminTokens', section: 'nav.admin', menuIcon: 'tokens' },
      },
      {
        path: 'admin/audit',
        name: 'admin-audit',
        component: () => import('../pages/admin/audit/AuditView.vue'),
        meta: { permissions: ['audit.verify'], title: 'nav.adminAudit', section: 'nav.admin', menuIcon: 'audit' },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('../pages/errors/ForbiddenView.vue'),
        meta: { permissions: [], title: 'errors.forbidden.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('../pages/errors/NotFoundView.vue'),
        meta: { permissions: [], title: 'errors.notFound.title' },
      },
    ],
  },
]

/** Named routes with their metadata, flattened (for the menu and the route-table test). */
export function flatRoutes(list: RouteRecordRaw[] = routes): RouteRecordRaw[] {
  return list.flatMap((r) => [r, ...(r.children ? flatRoutes(r.children) : [])])
}

/** Menu groups in display order. */
export const MENU: { section?: string; icon?: string; routes: string[] }[] = [
  { routes: ['home', 'workbench', 'alerts', 'intake'] },
  {
    section: 'nav.admin',
    icon: 'admin',
    routes: ['admin-org', 'admin-users', 'admin-roles', 'admin-categories', 'admin-routing', 'admin-authority', 'admin-calendar', 'admin-sla', 'admin-tokens', 'admin-audit'],
  },
]

// Reference data every page needs (meta labels, categories, org units, users), loaded once per
// session and shared. Not Pinia: it is server data, cached here and refreshable.

import { computed, shallowRef } from 'vue'
import { adminApi, metaApi } from '@shared/api/endpoints'
import type { CategoryDto, LabelDto, MetaDto, OrgUnitDto, RoleDto, UserDto } from '@shared/api/types'
import { useI18n } from 'vue-i18n'
import { pickName, type AppLocale } from '@shared/i18n/locale'
import { buildTree, type TreeNode } from '@shared/utils/tree'

const meta = shallowRef<MetaDto | null>(null)
const categories = shallowRef<CategoryDto[]>([])
const orgUnits = shallowRef<OrgUnitDto[]>([])
const users = shallowRef<UserDto[]>([])
const roles = shallowRef<RoleDto[]>([])

const inflight = new Map<string, Promise<unknown>>()
function once<T>(key: string, load: () => Promise<T>, set: (v: T) => void, force: boolean): Promise<void> {
  if (!force && inflight.has(key)) return inflight.get(key) as Promise<void>
  const p = load()
    .then(set)
    .catch((e) => {
      inflight.delete(key)
      throw e
    })
  inflight.set(key, p)
  return p
}

export function loadMeta(force = false) {
  return once('meta', metaApi.meta, (v) => (meta.value = v), force)
}
export function loadCategories(force = false) {
  return once('categories', adminApi.categories, (v) => (categories.value = v), force)
}
export function loadOrgUnits(force = false) {
  return once('org', adminApi.orgUnits, (v) => (orgUnits.value = v), force)
}
export function loadUsers(force = false) {
  return once('users', adminApi.users, (v) => (users.value = v), force)
}
export function loadRoles(force = false) {
  return once('roles', adminApi.roles, (v) => (roles.value = v), force)
}
/** Forget everything (logout). */
export function resetReference() {
  inflight.clear()
  meta.value = null
  categories.value = []
  orgUnits.value = []
  users.value = []
  roles.value = []
}

export interface CascaderOption {
  [key: string]: unknown
  value: number
  label: string
  disabled?: boolean
  children?: CascaderOption[]
}

function toOptions<T extends { id: number }>(nodes: TreeNode<T>[], label: (t: T) => string, disabled?: (t: T) => boolean): CascaderOption[] {
  return nodes.map((n) => ({
    value: n.id,
    label: label(n.item),
    disabled: disabled?.(n.item),
    children: n.children.length ? toOptions(n.children, label, disabled) : undefined,
  }))
}

export function useReference() {
  const { locale } = useI18n()
  const getLocale = () => locale.value as AppLocale
  const categoryOptions = computed(() =>
    toOptions(
      buildTree(categories.value.filter((c) => c.active), (c) => c.sort),
      (c) => pickName(c, getLocale()),
    ),
  )
  const orgOptions = computed(() => toOptions(buildTree(orgUnits.value, (o) => o.path), (o) => pickName(o, getLocale())))
  const departments = computed(() => orgUnits.value.filter((o) => o.kind === 'department' || o.kind === 'team'))
  const categoryName = (id: number | null | undefined) => {
    const c = categories.value.find((x) => x.id === id)
    return c ? pickName(c, getLocale()) : ''
  }
  const orgName = (id: number | null | undefined) => {
    const o = orgUnits.value.find((x) => x.id === id)
    return o ? pickName(o, getLocale()) : ''
  }
  /** The company (or group) a node belongs to. */
  const companyOf = (id: number | null | undefined): OrgUnitDto | null => {
    const byId = new Map(orgUnits.value.map((o) => [o.id, o]))
    let cur = id != null ? byId.get(id) : undefined
    while (cur && cur.kind !== 'company' && cur.kind !== 'group') cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
    return cur ?? null
  }
  /** Departments and teams grouped by company, the preferred company first (names repeat across companies). */
  const departmentGroups = (preferCompanyId?: number | null) => {
    const groups = new Map<number, { id: number; label: string; options: { id: number; label: string }[] }>()
    for (const d of departments.value) {
      const c = companyOf(d.id)
      const key = c?.id ?? 0
      if (!groups.has(key)) groups.set(key, { id: key, label: c ? pickName(c, getLocale()) : '', options: [] })
      groups.get(key)!.options.push({ id: d.id, label: pickName(d, getLocale()) })
    }
    return [...groups.values()].sort((a, b) => (a.id === preferCompanyId ? -1 : b.id === preferCompanyId ? 1 : a.label.localeCompare(b.label)))
  }
  /** A department routing names (by its Chinese name, which names repeat across companies with
   * the same English one) in the current language. */
  const departmentLabel = (name: string): string => {
    const d = departments.value.find((x) => x.name === name)
    return d ? pickName(d, getLocale()) : name
  }
  /** A category routing names (by its code) in the current language. */
  const categoryLabel = (code: string): string => {
    const c = categories.value.find((x) => x.code === code)
    return c ? pickName(c, getLocale()) : code
  }
  const userName = (id: number | null | undefined) => users.value.find((u) => u.id === id)?.display_name ?? ''
  /** A role's name in the current language, else `fallback` (the server's Chinese name, until the roles are loaded). */
  const roleName = (id: number | null | undefined, fallback = '') => {
    const r = roles.value.find((x) => x.id === id)
    return r ? pickName(r, getLocale()) : fallback
  }
  /** A user's role and organisation ("客服主管 · 客服中心"), in the current language once the lists are loaded. */
  const userPost = (u: { role_id: number; role_name: string; org_unit_id: number; org_unit_name: string } | null | undefined) =>
    u ? `${roleName(u.role_id, u.role_name)} · ${orgName(u.org_unit_id) || u.org_unit_name}` : ''
  const usersOf = (orgUnitId: number | null | undefined) =>
    orgUnitId == null ? users.value.filter((u) => u.active) : users.value.filter((u) => u.active && u.org_unit_id === orgUnitId)
  const metaLabel = (list: keyof Omit<MetaDto, 'permissions'>, code: string | null | undefined): string => {
    const l = (meta.value?.[list] as LabelDto[] | undefined)?.find((x) => x.code === code)
    return l ? pickName(l, getLocale()) : (code ?? '')
  }
  return {
    meta,
    categories,
    orgUnits,
    users,
    roles,
    categoryOptions,
    orgOptions,
    departments,
    categoryName,
    categoryLabel,
    departmentLabel,
    orgName,
    companyOf,
    departmentGroups,
    userName,
    roleName,
    userPost,
    usersOf,
    metaLabel,
  }
}

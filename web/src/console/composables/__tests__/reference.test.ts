import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { createAppI18n } from '@shared/i18n'
import type { AppLocale } from '@shared/i18n/locale'

vi.mock('@shared/api/endpoints', () => ({
  metaApi: { meta: async () => null },
  adminApi: {
    roles: async () => [{ id: 3, code: 'supervisor', name: '客服主管', name_en: 'Supervisor' }],
    orgUnits: async () => [{ id: 9, name: '客服中心', name_en: 'Customer service centre', kind: 'department', path: '/1/9/', parent_id: 1 }],
    categories: async () => [],
    users: async () => [],
  },
}))

const { loadOrgUnits, loadRoles, resetReference, useReference } = await import('../reference')

const me = { role_id: 3, role_name: '客服主管', org_unit_id: 9, org_unit_name: '客服中心' }

function post(locale: AppLocale) {
  let out = ''
  const Probe = defineComponent(() => {
    const { userPost, roleName } = useReference()
    return () => h('span', (out = `${userPost(me)} | ${roleName(4, '未知角色')}`))
  })
  mount(Probe, { global: { plugins: [createAppI18n(locale)] } })
  return out
}

afterEach(() => resetReference())

describe('names of roles and organisations', () => {
  it("are the server's until the lists are loaded", () => {
    expect(post('en-US')).toBe('客服主管 · 客服中心 | 未知角色')
  })

  it('follow the language once loaded, and fall back for a role not in the list', async () => {
    await Promise.all([loadRoles(), loadOrgUnits()])
    expect(post('en-US')).toBe('Supervisor · Customer service centre | 未知角色')
    expect(post('zh-CN')).toBe('客服主管 · 客服中心 | 未知角色')
  })
})

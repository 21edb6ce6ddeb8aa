import { describe, expect, it } from 'vitest'
import zh from '@shared/i18n/zh-CN/admin.json'
import en from '@shared/i18n/en-US/admin.json'
import { actionKey, emptyDetail } from '../useAudit'

describe('audit log entries', () => {
  it('name an action by the key its code maps to, in both languages', () => {
    expect(actionKey('admin.routing_rule.create')).toBe('admin.audit.actions.admin_routing_rule_create')
    for (const code of ['auth.login', 'pii.reveal', 'admin.routing_model.train', 'routing.retrain']) {
      const key = actionKey(code).split('.').pop()!
      expect((zh.audit.actions as Record<string, string>)[key], code).toBeTruthy()
      expect((en.audit.actions as Record<string, string>)[key], code).toBeTruthy()
    }
  })

  it('show a detail that says nothing as a dash', () => {
    expect(emptyDetail({})).toBe(true)
    expect(emptyDetail(null)).toBe(true)
    expect(emptyDetail({ year: 2027 })).toBe(false)
    expect(emptyDetail([])).toBe(true)
  })
})

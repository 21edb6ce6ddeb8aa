import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createAppI18n } from '@shared/i18n'
import StateTag from '../StateTag.vue'

describe('StateTag', () => {
  it('shows the state as text with an icon, never colour alone', () => {
    const w = mount(StateTag, { props: { state: 'pending_approval' }, global: { plugins: [createAppI18n('zh-CN')] } })
    expect(w.text()).toContain('待审批')
    expect(w.find('.el-tag').classes()).toContain('el-tag--warning')
    expect(w.find('.el-tag').classes()).toContain('el-tag--dark')
    expect(w.find('svg').exists()).toBe(true)
    expect(w.find('[data-state="pending_approval"]').exists()).toBe(true)
  })

  it('follows the language', () => {
    const w = mount(StateTag, { props: { state: 'awaiting_customer' }, global: { plugins: [createAppI18n('en-US')] } })
    expect(w.text()).toContain('Awaiting customer')
  })

  it('shows unknown codes as they are', () => {
    const w = mount(StateTag, { props: { state: 'brand_new_state' }, global: { plugins: [createAppI18n('zh-CN')] } })
    expect(w.text()).toContain('brand_new_state')
    expect(w.find('.el-tag').classes()).toContain('el-tag--info')
  })
})

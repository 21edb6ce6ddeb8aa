import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createAppI18n } from '@shared/i18n'
import RemedyEditor, { type MeasureRow } from '../parts/RemedyEditor.vue'
import type { Matrix } from '@shared/domain/complaint/authority'

const kinds = ['refund', 'compensation', 'gift', 'written_apology']
const role = (id: number, code: string, name: string, rank: number) => ({
  id,
  code,
  name,
  name_en: code,
  rank,
  permissions: id === 1 ? [] : [{ code: 'remedy.approve' }],
})
const matrix: Matrix = {
  roles: [role(1, 'agent', '客服专员', 10), role(2, 'supervisor', '客服主管', 20)],
  cells: [
    { role_id: 1, measure: 'compensation', limit: 200 },
    { role_id: 2, measure: 'compensation', limit: 2000 },
  ],
}

function mountEditor(rows: MeasureRow[]) {
  return mount(RemedyEditor, {
    props: { modelValue: rows, kinds, matrix, roleId: 1, 'onUpdate:modelValue': () => {} },
    global: { plugins: [createAppI18n('zh-CN')] },
  })
}

describe('RemedyEditor', () => {
  it('adds the measures up in 元', () => {
    const w = mountEditor([
      { kind: 'compensation', amount: 100.1, description: '' },
      { kind: 'gift', amount: 0.2, description: '' },
    ])
    expect(w.get('[data-testid="remedy-total"]').text()).toMatch(/100\.30/)
    expect(w.findAll('[role="group"]')).toHaveLength(2)
  })

  it('says who must approve when the total is beyond the proposer’s authority', async () => {
    const rows: MeasureRow[] = [{ kind: 'compensation', amount: 150, description: '' }]
    const w = mountEditor(rows)
    expect(w.text()).toContain('在您的授权范围内')
    await w.setProps({ modelValue: [{ kind: 'compensation', amount: 500, description: '' }] })
    await nextTick()
    expect(w.get('[data-testid="remedy-hint"]').text()).toContain('客服主管')
    expect(w.get('[data-testid="remedy-total"]').text()).toMatch(/500\.00/)
  })

  it('adds a measure', async () => {
    let rows: MeasureRow[] = [{ kind: 'compensation', amount: 1, description: '' }]
    const w = mount(RemedyEditor, {
      props: { modelValue: rows, kinds, 'onUpdate:modelValue': (v: MeasureRow[]) => (rows = v) },
      global: { plugins: [createAppI18n('zh-CN')] },
    })
    const add = w.findAll('button').find((b) => b.text().includes('添加措施'))!
    await add.trigger('click')
    expect(rows).toHaveLength(2)
    // Without the matrix the editor only hints that approval may be needed.
    expect(w.text()).toContain('可能需要上级审批')
  })
})

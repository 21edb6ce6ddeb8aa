import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HighlightedText from '../HighlightedText.vue'

describe('HighlightedText', () => {
  it('marks the matches and keeps the rest as plain text', () => {
    const w = mount(HighlightedText, {
      props: { parts: [{ text: '我的', hit: false }, { text: 'iPad', hit: true }, { text: '坏了，要求', hit: false }, { text: '退货', hit: true }] },
    })
    expect(w.text()).toBe('我的iPad坏了，要求退货')
    expect(w.findAll('mark').map((m) => m.text())).toEqual(['iPad', '退货'])
  })

  it('never turns complaint text into markup', () => {
    const w = mount(HighlightedText, {
      props: { parts: [{ text: '<img src=x onerror=alert(1)>', hit: false }, { text: '<b>退货</b>', hit: true }] },
    })
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('b').exists()).toBe(false)
    expect(w.text()).toBe('<img src=x onerror=alert(1)><b>退货</b>')
    expect(w.html()).toContain('&lt;img')
    expect(w.find('mark').text()).toBe('<b>退货</b>')
  })

  it('renders nothing for no parts', () => {
    const w = mount(HighlightedText, { props: { parts: [] } })
    expect(w.text()).toBe('')
    expect(w.findAll('mark')).toHaveLength(0)
  })
})

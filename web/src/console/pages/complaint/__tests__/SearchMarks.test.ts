import { describe, expect, it, vi } from 'vitest'
import type { SearchMarksDto } from '@shared/api/types'
import Timeline from '../parts/Timeline.vue'
import ContentPanel from '../parts/ContentPanel.vue'
import SearchMarksBar from '../parts/SearchMarksBar.vue'
import { mountWithDetail } from './mountWithDetail'

const note = (seq: number, text: string) => ({
  id: seq,
  seq,
  kind: 'note_added',
  at: '2026-11-20T08:00:00Z',
  actor_kind: 'user',
  actor_id: 1,
  actor_name: '坐席一',
  payload: { visibility: 'internal', text },
})
const detail = {
  complaint: { state: 'received', content: '屏幕碎了，要求退货', customer_request: '退款', attachments: [] },
  events: [note(2, '已联系物流，等退货单号'), note(3, '客户没有接电话')],
}
const marks: SearchMarksDto = {
  hits: 2,
  summary: null,
  content: [
    { text: '屏幕碎了，要求', hit: false },
    { text: '退货', hit: true },
  ],
  customer_request: null,
  product_ref: null,
  order_ref: null,
  notes: [
    {
      seq: 2,
      text: [
        { text: '已联系物流，等', hit: false },
        { text: '退货', hit: true },
        { text: '单号', hit: false },
      ],
    },
  ],
}
const search = { text: '退货', marks }
const marked = (w: ReturnType<typeof mountWithDetail>) => w.findAll('mark').map((m) => m.text())

describe('a complaint opened from a search', () => {
  it('marks the words in the content and in the notes that hold them, the rest as written', () => {
    const content = mountWithDetail(ContentPanel, detail, 'zh-CN', {}, search)
    expect(marked(content)).toEqual(['退货'])
    expect(content.get('.content').text()).toBe('屏幕碎了，要求退货')
    expect(content.get('.request').text()).toBe('退款')

    const timeline = mountWithDetail(Timeline, detail, 'zh-CN', { RouterLink: true, RelativeTime: true }, search)
    expect(marked(timeline)).toEqual(['退货'])
    expect(timeline.text()).toContain('已联系物流，等退货单号')
    expect(timeline.text()).toContain('客户没有接电话')
  })

  it('marks nothing without a search', () => {
    expect(mountWithDetail(ContentPanel, detail).findAll('mark')).toHaveLength(0)
    expect(mountWithDetail(Timeline, detail, 'zh-CN', { RouterLink: true, RelativeTime: true }).findAll('mark')).toHaveLength(0)
    expect(mountWithDetail(SearchMarksBar, detail).find('[data-testid="search-marks"]').exists()).toBe(false)
  })

  it('says what is marked and how many places, in both languages; nothing when nothing is marked', () => {
    expect(mountWithDetail(SearchMarksBar, detail, 'zh-CN', {}, search).text()).toContain('搜索“退货”：本投诉中标出 2 处')
    expect(mountWithDetail(SearchMarksBar, detail, 'en-US', {}, search).text()).toContain('Search "退货": 2 matches marked in this complaint')
    const one = { text: 'ipad', marks: { ...marks, hits: 1 } }
    expect(mountWithDetail(SearchMarksBar, detail, 'en-US', {}, one).text()).toContain('1 match marked')
    const none = { text: '空调', marks: { ...marks, hits: 0, content: null, notes: [] } }
    expect(mountWithDetail(SearchMarksBar, detail, 'zh-CN', {}, none).find('[data-testid="search-marks"]').exists()).toBe(false)
  })

  it('steps through the complaint\'s own marks, round and round, and says which it is on', async () => {
    // The page's marked texts (and a similar complaint's mark, which is not one of them).
    document.body.innerHTML =
      '<p data-search-marks><mark>退货</mark></p><aside><mark>别的</mark></aside><p data-search-marks>…<mark>退货</mark></p>'
    const scrolled = vi.fn()
    Element.prototype.scrollIntoView = scrolled
    const bar = mountWithDetail(SearchMarksBar, detail, 'zh-CN', {}, search)
    const own = [...document.querySelectorAll('[data-search-marks] mark')]
    const current = () => own.map((m) => m.classList.contains('is-current'))
    const [prev, next] = bar.findAll('.marks-bar__step button')
    expect(bar.find('[data-testid="search-marks-at"]').exists()).toBe(false)
    await next.trigger('click')
    expect(current()).toEqual([true, false])
    expect(bar.get('[data-testid="search-marks-at"]').text()).toBe('第 1 / 2 处')
    await next.trigger('click')
    expect(current()).toEqual([false, true])
    await next.trigger('click')
    expect(current()).toEqual([true, false])
    await prev.trigger('click')
    expect(current()).toEqual([false, true])
    expect(scrolled).toHaveBeenCalledTimes(4)
    expect(document.querySelector('aside mark')!.classList.contains('is-current')).toBe(false)
    document.body.innerHTML = ''
  })
})

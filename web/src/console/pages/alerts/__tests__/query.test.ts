import { describe, expect, it } from 'vitest'
import { parseAlertQuery } from '../useAlerts'

describe('alert centre URL', () => {
  it('shows unread alerts on page 1 unless told otherwise', () => {
    expect(parseAlertQuery({})).toEqual({ show: 'unread', page: 1 })
    expect(parseAlertQuery({ show: 'all', page: '3' })).toEqual({ show: 'all', page: 3 })
    expect(parseAlertQuery({ show: 'nope', page: '-2' })).toEqual({ show: 'unread', page: 1 })
  })
})

import { describe, expect, it } from 'vitest'
import { PORTAL_STEPS, progressOf, stepLook } from '../progress'
import { STATES } from '@shared/domain/complaint/status'

const stepOf = (state: string) => PORTAL_STEPS[progressOf(state).step]

describe('progressOf', () => {
  it('maps the main path onto the five customer steps', () => {
    expect(stepOf('received')).toBe('received')
    expect(stepOf('assigned')).toBe('handling')
    expect(stepOf('investigating')).toBe('handling')
    expect(stepOf('awaiting_customer')).toBe('awaiting_you')
    expect(stepOf('executing')).toBe('done')
    expect(stepOf('resolved')).toBe('done')
    expect(stepOf('closed')).toBe('closed')
  })

  it('shows internal detours as handling, never as their own step', () => {
    expect(stepOf('pending_approval')).toBe('handling')
    expect(progressOf('pending_approval').hint).toBe('approval')
    expect(stepOf('secondary_review')).toBe('handling')
    expect(progressOf('secondary_review').hint).toBe('review')
  })

  it('marks finished and failed ends', () => {
    expect(progressOf('executing').status).toBe('process')
    expect(progressOf('resolved').status).toBe('finish')
    expect(progressOf('closed').status).toBe('finish')
    expect(progressOf('archived')).toEqual(progressOf('closed'))
    expect(progressOf('invalid')).toMatchObject({ step: 4, status: 'error', hint: 'invalid' })
  })

  it('stops asking for a rating once the customer has rated', () => {
    expect(progressOf('resolved').hint).toBe('resolved')
    expect(progressOf('resolved', { rated: true })).toMatchObject({ step: 3, status: 'finish', hint: 'rated' })
    expect(progressOf('closed', { rated: true }).hint).toBe('closed')
  })

  it('says when it is the customer’s turn', () => {
    for (const s of STATES) expect(progressOf(s).yourTurn).toBe(s === 'awaiting_customer')
  })

  it('covers every state the server knows, and falls back for unknown ones', () => {
    for (const s of STATES) expect(progressOf(s).hint).not.toBe('unknown')
    expect(progressOf('something_new')).toMatchObject({ step: 0, status: 'process', hint: 'unknown' })
  })

  it('never goes backwards along the main path', () => {
    const path = ['received', 'assigned', 'investigating', 'awaiting_customer', 'executing', 'resolved', 'closed']
    const steps = path.map((s) => progressOf(s).step)
    expect([...steps].sort((a, b) => a - b)).toEqual(steps)
  })
})

describe('stepLook', () => {
  it('marks earlier steps done, the current one current and later ones to do', () => {
    const p = progressOf('awaiting_customer')
    expect([0, 1, 2, 3, 4].map((i) => stepLook(i, p))).toEqual(['done', 'done', 'current', 'todo', 'todo'])
  })
  it('shows a finished state as done and an invalid one as error', () => {
    expect(stepLook(3, progressOf('resolved'))).toBe('done')
    expect(stepLook(4, progressOf('closed'))).toBe('done')
    expect(stepLook(4, progressOf('invalid'))).toBe('error')
    // Closed as invalid right after it came in: nothing in between was done.
    expect([0, 1, 2, 3, 4].map((i) => stepLook(i, progressOf('invalid')))).toEqual(['done', 'todo', 'todo', 'todo', 'error'])
  })
})

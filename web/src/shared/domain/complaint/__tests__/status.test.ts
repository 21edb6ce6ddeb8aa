import { describe, expect, it } from 'vitest'
import { STATES, isOpen, mainPathStep, severityLevel, severityTone, stateEffect, stateIcon, stateTone } from '../status'

describe('status mirror', () => {
  it('knows the eleven states of the loop and which are open', () => {
    expect(STATES).toHaveLength(11)
    expect(STATES.filter(isOpen)).toEqual([
      'received',
      'assigned',
      'investigating',
      'pending_approval',
      'awaiting_customer',
      'executing',
      'resolved',
      'secondary_review',
    ])
    expect(isOpen('nonsense')).toBe(false)
  })

  it('gives every state a tone and an icon', () => {
    for (const s of STATES) {
      expect(['primary', 'success', 'warning', 'danger', 'info']).toContain(stateTone(s))
      expect(stateIcon(s)).toBeTruthy()
    }
    expect(stateTone('secondary_review')).toBe('danger')
    expect(stateTone('pending_approval')).toBe('warning')
    expect(stateTone('closed')).toBe('success')
    expect(stateTone('whatever')).toBe('info')
  })

  it('makes states that wait on someone stand out', () => {
    expect(stateEffect('pending_approval')).toBe('dark')
    expect(stateEffect('closed')).toBe('plain')
    expect(stateEffect('investigating')).toBe('light')
  })

  it('places side states on the main path', () => {
    expect(mainPathStep('received')).toBe(0)
    expect(mainPathStep('pending_approval')).toBe(mainPathStep('investigating'))
    expect(mainPathStep('secondary_review')).toBe(mainPathStep('resolved'))
    expect(mainPathStep('closed')).toBe(6)
  })

  it('reads severities in every spelling', () => {
    expect(severityLevel(2)).toBe(2)
    expect(severityLevel('level1')).toBe(1)
    expect(severityLevel('3')).toBe(3)
    expect(severityLevel('level9')).toBeNull()
    expect(severityLevel(null)).toBeNull()
  })

  it('colours severities, level 1 most serious', () => {
    expect(severityTone(1)).toBe('danger')
    expect(severityTone(2)).toBe('warning')
    expect(severityTone(3)).toBe('info')
    expect(severityTone(null)).toBe('info')
  })
})

import { describe, expect, it } from 'vitest';
import { matchesMap, matchesSelector } from '@/lib/sandbox/runtime/labels';

describe('label selectors', () => {
  const labels = { app: 'reviews', version: 'v2', tier: 'backend' };

  it('a map selector needs every key with its value', () => {
    expect(matchesMap(labels, { app: 'reviews' })).toBe(true);
    expect(matchesMap(labels, { app: 'reviews', version: 'v1' })).toBe(false);
    expect(matchesMap(undefined, { app: 'reviews' })).toBe(false);
    expect(matchesMap(labels, {})).toBe(true);
  });

  it.each([
    [{ matchExpressions: [{ key: 'version', operator: 'In', values: ['v1', 'v2'] }] }, true],
    [{ matchExpressions: [{ key: 'version', operator: 'In', values: ['v3'] }] }, false],
    [{ matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v1'] }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, false],
    [{ matchLabels: { app: 'reviews' }, matchExpressions: [{ key: 'version', operator: 'In', values: ['v1'] }] }, false],
  ])('matchExpressions %j gives %s', (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
  });
});

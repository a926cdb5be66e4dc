import { describe, expect, it } from 'vitest';
import { topicCovers, topicMatches, topicOverlaps } from '../../../src/check/routing/topic-pattern.js';

describe('topic binding keys', () => {
  it.each([
    ['shop.order.created', 'shop.order.created', true],
    ['shop.order.created', 'shop.order.cancelled', false],
    ['shop.order.*', 'shop.order.created', true],
    ['shop.order.*', 'shop.order', false],
    ['shop.order.*', 'shop.order.created.v2', false],
    ['shop.#', 'shop', true],
    ['shop.#', 'shop.order.created.v2', true],
    ['#', '', true],
    ['#', 'a.b.c', true],
    ['*.order.#', 'shop.order', true],
    ['*.order.#', 'order', false],
    ['#.created', 'shop.order.created', true],
    ['#.created', 'created', true],
    ['a.#.b.#.c', 'a.x.b.y.z.c', true],
    ['a.#.b.#.c', 'a.c', false],
    ['a.*.*', 'a.b', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it.each([
    ['shop.order.*', 'shop.*.created', true],
    ['shop.order.*', 'shop.payment.*', false],
    ['#.created', 'shop.#', true],
    ['a.*', 'a.#', true],
    ['a.*', 'a.*.*', false],
    ['a.#', 'b.#', false],
    ['#', 'x', true],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(topicOverlaps(a, b)).toBe(expected);
    expect(topicOverlaps(b, a)).toBe(expected);
  });

  it.each([
    ['shop.#', 'shop.order.*', true],
    ['shop.order.*', 'shop.#', false],
    ['#', 'a.#.b', true],
    ['*.#', '#.a', true],
    ['*.#', '#', false],
    ['a.*', 'a.b', true],
    ['a.b', 'a.*', false],
    ['a.#.c', 'a.*.c', true],
    ['a.*.c', 'a.#.c', false],
    ['shop.order.created', 'shop.order.created', true],
  ])('%s covers %s: %s', (wide, narrow, expected) => {
    expect(topicCovers(wide, narrow)).toBe(expected);
  });
});

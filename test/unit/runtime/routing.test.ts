import { describe, expect, it } from 'vitest';
import { bindingMatches, topicMatches } from '../../../src/runtime/memory/routing.js';

describe('topic routing', () => {
  it.each([
    ['shop.order.created', 'shop.order.created', true],
    ['shop.order.*', 'shop.order.created', true],
    ['shop.*', 'shop.order.created', false],
    ['shop.#', 'shop.order.created', true],
    ['shop.#', 'shop', true],
    ['#', 'anything.at.all', true],
    ['#.created', 'shop.order.created', true],
    ['shop.#.created', 'shop.created', true],
    ['shop.#.created', 'shop.order.item.created', true],
    ['shop.#.created', 'shop.order.cancelled', false],
    ['*.order.*', 'shop.order.created', true],
    ['*.order.*', 'order.created', false],
    ['shop.order', 'shop.order.created', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it('routes direct by equality and fanout always', () => {
    expect(bindingMatches('direct', 'send.email', 'send.email')).toBe(true);
    expect(bindingMatches('direct', 'send.*', 'send.email')).toBe(false);
    expect(bindingMatches('fanout', 'x', 'y')).toBe(true);
  });
});

/**
 * AMQP 0-9-1 routing rules, for the in-memory broker: a topic binding key is dot-separated words
 * where `*` matches exactly one word and `#` zero or more; direct keys match exactly; fanout
 * ignores the key.
 */
export type RoutableExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export function bindingMatches(type: RoutableExchangeType, bindingKey: string, routingKey: string): boolean {
  switch (type) {
    case 'fanout':
      return true;
    case 'direct':
      return bindingKey === routingKey;
    case 'topic':
      return topicMatches(bindingKey, routingKey);
    case 'headers':
      // Header matching needs binding arguments eventplane never generates.
      return false;
  }
}

export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey === '' ? [] : routingKey.split('.'), 0);
}

function matchWords(pattern: readonly string[], p: number, words: readonly string[], w: number): boolean {
  while (p < pattern.length) {
    const token = pattern[p]!;
    if (token === '#') {
      // `#` at the end swallows the rest; otherwise try every split point.
      if (p === pattern.length - 1) return true;
      for (let skip = w; skip <= words.length; skip++) if (matchWords(pattern, p + 1, words, skip)) return true;
      return false;
    }
    if (w >= words.length) return false;
    if (token !== '*' && token !== words[w]) return false;
    p++;
    w++;
  }
  return w === words.length;
}

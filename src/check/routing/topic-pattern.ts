/**
 * RabbitMQ topic-exchange binding keys: words separated by dots, `*` matches exactly one word,
 * `#` zero or more. Besides matching a routing key, the simulation asks two questions about
 * pairs of binding keys — do they overlap (some routing key matches both) and does one cover
 * the other (every key the second matches, the first matches too) — answered exactly by
 * walking both patterns as automata over the words that appear in them plus one fresh word.
 */

type Token = string; // a literal word, '*' or '#'

function tokens(pattern: string): Token[] {
  // RabbitMQ treats the empty key as zero words.
  return pattern === '' ? [] : pattern.split('.');
}

/** NFA states of a pattern are positions 0..n; position n accepts. */
class PatternAutomaton {
  readonly tokens: Token[];
  constructor(pattern: string) {
    this.tokens = tokens(pattern);
  }

  /** Positions reachable without consuming a word (a `#` may match nothing). */
  closure(states: Iterable<number>): Set<number> {
    const out = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (out.has(s)) continue;
      out.add(s);
      if (this.tokens[s] === '#') stack.push(s + 1);
    }
    return out;
  }

  step(states: Set<number>, word: string): Set<number> {
    const next: number[] = [];
    for (const s of states) {
      const t = this.tokens[s];
      if (t === undefined) continue;
      if (t === '#') next.push(s);
      else if (t === '*' || t === word) next.push(s + 1);
    }
    return this.closure(next);
  }

  accepts(states: Set<number>): boolean {
    return states.has(this.tokens.length);
  }

  literals(): string[] {
    return this.tokens.filter((t) => t !== '*' && t !== '#');
  }
}

/** Does `routingKey` match the binding key `pattern` on a topic exchange? */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const automaton = new PatternAutomaton(pattern);
  let states = automaton.closure([0]);
  for (const word of tokens(routingKey)) {
    states = automaton.step(states, word);
    if (states.size === 0) return false;
  }
  return automaton.accepts(states);
}

/**
 * Explores the product of two patterns' automata over every word that matters (their literals
 * and one word neither names). `stop` sees each reachable pair of state sets.
 */
function explore(a: string, b: string, stop: (sa: Set<number>, sb: Set<number>, A: PatternAutomaton, B: PatternAutomaton) => boolean): boolean {
  const A = new PatternAutomaton(a);
  const B = new PatternAutomaton(b);
  const alphabet = [...new Set([...A.literals(), ...B.literals()])];
  let fresh = '\u0000w';
  while (alphabet.includes(fresh)) fresh += 'w';
  alphabet.push(fresh);
  const key = (sa: Set<number>, sb: Set<number>) => `${[...sa].sort().join(',')}|${[...sb].sort().join(',')}`;
  const start: [Set<number>, Set<number>] = [A.closure([0]), B.closure([0])];
  const seen = new Set([key(...start)]);
  const queue = [start];
  while (queue.length > 0) {
    const [sa, sb] = queue.shift()!;
    if (stop(sa, sb, A, B)) return true;
    for (const word of alphabet) {
      const na = A.step(sa, word);
      const nb = B.step(sb, word);
      const k = key(na, nb);
      if (nb.size === 0 && na.size === 0) continue;
      if (!seen.has(k)) {
        seen.add(k);
        queue.push([na, nb]);
      }
    }
  }
  return false;
}

/** Is there a routing key both binding keys match? */
export function topicOverlaps(a: string, b: string): boolean {
  return explore(a, b, (sa, sb, A, B) => A.accepts(sa) && B.accepts(sb));
}

/** Does `wide` match every routing key that `narrow` matches? */
export function topicCovers(wide: string, narrow: string): boolean {
  return !explore(narrow, wide, (sn, sw, N, W) => N.accepts(sn) && !W.accepts(sw));
}

export function isTopicPattern(key: string): boolean {
  return tokens(key).some((t) => t === '*' || t === '#');
}

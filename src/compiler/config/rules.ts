/**
 * The house rules (docs/CONTRACTS.md) as a lint level: each has an id and a severity per
 * built-in rule set. `recommended` (the default, for documents written anywhere) only warns;
 * `strict` is the platform profile this repository opts into. Rules not listed here protect
 * correctness (unresolvable $ref, conflicting exchange types, two senders of one routing key,
 * invalid extension values, …) and stay errors whatever the configuration says.
 */
export type RuleLevel = 'error' | 'warn' | 'off';

export interface HouseRule {
  readonly description: string;
  readonly recommended: RuleLevel;
  readonly strict: RuleLevel;
}

export const HOUSE_RULES = {
  'ep-owner': { description: 'info.x-owner names the team that owns the contract', recommended: 'warn', strict: 'error' },
  'ep-service-name': { description: 'info.title is the file name, kebab-case', recommended: 'warn', strict: 'error' },
  'ep-message-name': { description: 'message names are PascalCase', recommended: 'warn', strict: 'error' },
  'ep-message-example': { description: 'every message has examples, and they validate against its schemas', recommended: 'warn', strict: 'error' },
  'ep-message-channel': { description: 'a message is carried by one channel (its type and validator are shared otherwise)', recommended: 'warn', strict: 'error' },
  'ep-content-type': { description: 'payloads are JSON (application/json or a +json type)', recommended: 'warn', strict: 'error' },
  'ep-schema-format': { description: 'schemas are JSON Schema (other formats are typed unknown, not validated)', recommended: 'warn', strict: 'error' },
  'ep-envelope': { description: 'every message applies the one Envelope trait', recommended: 'warn', strict: 'error' },
  'ep-version': { description: 'a major version ≥ 2 is part of the message name and routing key', recommended: 'warn', strict: 'error' },
  'ep-routing-key': { description: 'routing keys are {context}.{aggregate}.{event} (topic) or {verb}.{noun} (direct)', recommended: 'warn', strict: 'error' },
  'ep-amqp-binding': { description: 'every channel has an amqp binding naming its exchange (without one the default applies)', recommended: 'warn', strict: 'error' },
  'ep-extension-unknown': { description: 'x- keys are the documented extensions only', recommended: 'warn', strict: 'error' },
  'ep-orphan-receive': { description: 'a receive operation reaches a channel some service of the spec directory sends to', recommended: 'warn', strict: 'error' },
  'ep-unused-channel': { description: 'a channel is sent to by its owner', recommended: 'warn', strict: 'warn' },
} as const satisfies Record<string, HouseRule>;

export type HouseRuleId = keyof typeof HOUSE_RULES;

export const RULE_SETS = ['recommended', 'strict'] as const;
export type RuleSetName = (typeof RULE_SETS)[number];

export function isHouseRule(id: string): id is HouseRuleId {
  return Object.hasOwn(HOUSE_RULES, id);
}

/** The levels of a rule set with overrides applied (later wins). */
export function ruleLevels(sets: readonly RuleSetName[], overrides: Readonly<Partial<Record<HouseRuleId, RuleLevel>>> = {}): ReadonlyMap<string, RuleLevel> {
  const levels = new Map<string, RuleLevel>();
  for (const set of sets.length > 0 ? sets : (['recommended'] as const)) {
    for (const [id, rule] of Object.entries(HOUSE_RULES)) levels.set(id, rule[set]);
  }
  for (const [id, level] of Object.entries(overrides)) if (level !== undefined) levels.set(id, level);
  return levels;
}

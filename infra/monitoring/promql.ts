/** A PromQL raw string (backquoted), so regex backslashes need no second escaping. */
export function rawString(value: string): string {
  if (value.includes('`')) throw new Error(`cannot quote ${value} as a PromQL raw string`);
  return `\`${value}\``;
}

/** An anchored regex matching exactly these names (queue names contain dots). */
export function exactlyOneOf(names: readonly string[]): string {
  return `^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

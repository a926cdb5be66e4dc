/** PostgreSQL numeric text → the contracts' decimal string, at least two places ("49.0000" → "49.00", "0.1250" → "0.125"). */
export function decimal(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, equal, fromUnits, normalise, sum, times, toUnits } from '../../../../services/shop/_shared/money.js';

describe('money on decimal strings', () => {
  it('is exact where floating point is not', () => {
    expect(sum([{ amount: '0.1', currency: 'GBP' }, { amount: '0.2', currency: 'GBP' }], 'GBP')).toEqual({ amount: '0.30', currency: 'GBP' });
    expect(times({ amount: '12.50', currency: 'GBP' }, 2)).toEqual({ amount: '25.00', currency: 'GBP' });
    expect(times({ amount: '0.3333', currency: 'EUR' }, 3)).toEqual({ amount: '0.9999', currency: 'EUR' });
  });

  it('keeps at least two decimals and at most four', () => {
    expect(fromUnits(toUnits('79.9'))).toBe('79.90');
    expect(fromUnits(toUnits('79.9000'))).toBe('79.90');
    expect(fromUnits(toUnits('0.0001'))).toBe('0.0001');
    expect(normalise({ amount: '100', currency: 'GBP' })).toEqual({ amount: '100.00', currency: 'GBP' });
  });

  it('refuses malformed amounts and mixed currencies', () => {
    expect(() => toUnits('1.23456')).toThrow(RangeError);
    expect(() => toUnits('-1')).toThrow(RangeError);
    expect(() => toUnits('01.5')).toThrow(RangeError);
    expect(() => sum([{ amount: '1', currency: 'EUR' }], 'GBP')).toThrow(CurrencyMismatchError);
  });

  it('compares by value', () => {
    expect(equal({ amount: '5', currency: 'GBP' }, { amount: '5.00', currency: 'GBP' })).toBe(true);
    expect(equal({ amount: '5', currency: 'GBP' }, { amount: '5', currency: 'EUR' })).toBe(false);
  });
});

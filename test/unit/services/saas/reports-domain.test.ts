/** saas/reports' pure rules: periods and the CSV. */
import { describe, expect, it } from 'vitest';
import { periodProblem, renderCsv } from '../../../../services/saas/reports/domain.js';

describe('reports domain', () => {
  it('periods: from ≤ to, at most a year', () => {
    expect(periodProblem({ from: '2024-01-01', to: '2024-01-31' })).toBeUndefined();
    expect(periodProblem({ from: '2024-02-01', to: '2024-01-31' })).toBe('period.from is after period.to');
    expect(periodProblem({ from: '2023-01-01', to: '2024-06-01' })).toBe('the period is longer than 366 days');
  });

  it('CSV: one column per dimension, rows by day, cells quoted and formulas neutralised', () => {
    const csv = renderCsv([
      { day: '2024-01-03', dimensions: { team: 'a,b' }, total: '2', facts: 1 },
      { day: '2024-01-02', dimensions: { product: '=SUM(A1)', team: 'x' }, total: '-1.5', facts: 2 },
    ]);
    expect(csv).toBe("day,product,team,total,facts\n2024-01-02,'=SUM(A1),x,-1.5,2\n2024-01-03,,\"a,b\",2,1\n");
    expect(renderCsv([])).toBe('day,total,facts\n');
  });
});

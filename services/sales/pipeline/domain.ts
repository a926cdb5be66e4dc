/** sales/pipeline's rules, pure: opportunity stages only move forward; which emails open or advance one. */
import type { EmailCategory } from '../../../generated/types/sales.js';

export const STAGES = ['lead', 'qualified', 'quoted', 'won'] as const;
export type Stage = (typeof STAGES)[number];

/** The later of the two stages: a late or redelivered event never moves an opportunity back. */
export const advance = (current: Stage, to: Stage): Stage => (STAGES.indexOf(to) > STAGES.indexOf(current) ? to : current);

/** The stage an email of this category is evidence for, or undefined when it says nothing about a sale. */
export function stageForEmail(category: EmailCategory): Stage | undefined {
  switch (category) {
    case 'QUOTE_REQUEST':
    case 'ORDER':
      return 'qualified';
    case 'INQUIRY':
      return 'lead';
    default:
      return undefined;
  }
}

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

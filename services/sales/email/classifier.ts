/**
 * The sales inbox classifier: a deterministic, rule-based scorer (no model to load, the same
 * email always gets the same answer). Keyword hits in the subject count twice as much as in the
 * body; the ranked categories carry confidences that sum to 1; the priority is the top
 * category's base plus urgency, volume and sender signals, clamped to 0–100.
 */
import type { Classification, EmailCategory, EmailPriority, EmailPriorityBand } from '../../../generated/types/sales.js';

export const MODEL_VERSION = 'rules-2026.12.1';

export interface EmailText {
  readonly subject: string;
  readonly body: string;
  /** The sender belongs to a known customer (raises the priority). */
  readonly knownSender?: boolean;
}

export interface Classified {
  /** Highest confidence first; at most 7 (one per category). */
  readonly classifications: Classification[];
  readonly priority: EmailPriority;
  readonly language: string;
}

const KEYWORDS: Readonly<Record<Exclude<EmailCategory, 'OTHER'>, readonly string[]>> = {
  QUOTE_REQUEST: ['quote', 'quotation', 'pricing', 'price', 'prices', 'offer', 'rfq', 'tender', 'units', 'volume discount'],
  ORDER: ['order', 'purchase order', 'po number', 'we confirm', 'please ship', 'deliver'],
  COMPLAINT: ['complaint', 'broken', 'damaged', 'defective', 'unacceptable', 'refund', 'disappointed', 'late delivery'],
  SUPPORT: ['help', 'support', 'manual', 'install', 'installation', 'not working', 'error', 'spare part'],
  INQUIRY: ['question', 'information', 'do you', 'can you', 'is it possible', 'catalogue', 'catalog', 'ship to', 'availability'],
  SPAM: ['unsubscribe', 'winner', 'lottery', 'crypto', 'viagra', 'click here', 'limited offer', 'seo services'],
};

/** Where each category starts on the 0–100 priority scale. */
const BASE_PRIORITY: Readonly<Record<EmailCategory, number>> = {
  ORDER: 70,
  COMPLAINT: 65,
  QUOTE_REQUEST: 60,
  SUPPORT: 40,
  INQUIRY: 35,
  OTHER: 20,
  SPAM: 0,
};

const URGENT = ['urgent', 'asap', 'immediately', 'today', 'deadline', 'emergency'];

/** Common words per language; the language with most hits wins (English on a tie or none). */
const STOPWORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'for', 'you', 'please', 'with', 'we', 'our', 'of', 'to'],
  de: ['der', 'die', 'das', 'und', 'bitte', 'mit', 'wir', 'für', 'ein', 'ist'],
  fr: ['le', 'la', 'les', 'et', 'pour', 'vous', 'nous', 'avec', 'une', 'est'],
  es: ['el', 'los', 'las', 'y', 'para', 'usted', 'nosotros', 'con', 'una', 'es'],
  nl: ['de', 'het', 'en', 'voor', 'u', 'wij', 'met', 'een', 'is', 'graag'],
};

const normalise = (text: string) => ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;

/** Occurrences of `phrase` as whole words in normalised `text`. */
function hits(text: string, phrase: string): number {
  const needle = ` ${phrase} `;
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length - 1)) count++;
  return count;
}

export function detectLanguage(text: string): string {
  const words = normalise(text);
  let best = 'en';
  let bestHits = 0;
  for (const [language, list] of Object.entries(STOPWORDS)) {
    const count = list.reduce((n, word) => n + hits(words, word), 0);
    if (count > bestHits) [best, bestHits] = [language, count];
  }
  return best;
}

export function band(score: number): EmailPriorityBand {
  return score >= 85 ? 'urgent' : score >= 60 ? 'high' : score >= 25 ? 'normal' : 'low';
}

/** The largest quantity written as "<n> units|pcs|pieces" in the text (0 when none). */
function largestQuantity(text: string): number {
  let largest = 0;
  for (const match of text.matchAll(/\b([0-9][0-9,.]*)\s*(units|pcs|pieces|stück|unités)\b/g)) largest = Math.max(largest, Number(match[1]!.replace(/[,.]/g, '')));
  return largest;
}

export function classify(email: EmailText): Classified {
  const subject = normalise(email.subject);
  const body = normalise(email.body);
  const weights = new Map<EmailCategory, number>();
  for (const [category, words] of Object.entries(KEYWORDS) as [EmailCategory, readonly string[]][]) {
    const weight = words.reduce((n, word) => n + 2 * hits(subject, word) + hits(body, word), 0);
    if (weight > 0) weights.set(category, weight);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  // Ties go to the category listed first in KEYWORDS (the sort is stable).
  const classifications: Classification[] =
    total === 0
      ? [{ category: 'OTHER', confidence: 1 }]
      : [...weights].sort((a, b) => b[1] - a[1]).map(([category, weight]) => ({ category, confidence: Math.round((weight / total) * 100) / 100 }));
  const top = classifications[0]!.category;

  let score = BASE_PRIORITY[top];
  if (top !== 'SPAM') {
    const text = `${subject} ${body}`;
    if (URGENT.some((word) => hits(text, word) > 0)) score += 20;
    const quantity = largestQuantity(`${email.subject} ${email.body}`.toLowerCase());
    if (quantity >= 1000) score += 15;
    else if (quantity >= 100) score += 10;
    if (email.knownSender) score += 10;
  }
  score = Math.max(0, Math.min(100, score));
  return { classifications, priority: { score, band: band(score) }, language: detectLanguage(`${email.subject} ${email.body}`) };
}

/** v1's 1–10 priority from v2's 0–100 score (82 → 8; never below 1). */
export const v1PriorityScore = (score: number): number => Math.max(1, Math.min(10, Math.round(score / 10)));

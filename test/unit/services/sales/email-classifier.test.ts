/** sales/email's classifier and the two payloads built from one classification. */
import { describe, expect, it } from 'vitest';
import { band, classify, detectLanguage, MODEL_VERSION, v1PriorityScore } from '../../../../services/sales/email/classifier.js';
import { toV1, toV2 } from '../../../../services/sales/email/domain.js';

describe('classify', () => {
  it("gives the record's example a quote request with high priority", () => {
    const result = classify({ subject: 'Pricing for 500 units of HX-200 valves', body: 'Hello, could you send us your best price for 500 units? Regards, Maria' });
    expect(result.classifications[0]!.category).toBe('QUOTE_REQUEST');
    expect(result.priority).toEqual({ score: 70, band: 'high' });
    expect(result.language).toBe('en');
  });

  it('is deterministic', () => {
    const email = { subject: 'URGENT: broken valves delivered', body: 'The order arrived damaged, we need a refund today.' };
    expect(classify(email)).toEqual(classify(email));
  });

  it('ranks categories by confidence, highest first, summing to about 1', () => {
    const result = classify({ subject: 'Complaint: damaged delivery', body: 'Our order arrived broken. Please help.' });
    expect(result.classifications[0]!.category).toBe('COMPLAINT');
    const confidences = result.classifications.map((c) => c.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(confidences.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
  });

  it('raises urgency, volume and known senders', () => {
    const plain = classify({ subject: 'Question about your catalogue', body: 'Do you ship to Norway?' });
    expect(plain.classifications[0]!.category).toBe('INQUIRY');
    expect(plain.priority).toEqual({ score: 35, band: 'normal' });
    expect(classify({ subject: 'Question about your catalogue', body: 'Do you ship to Norway? urgent' }).priority.score).toBe(55);
    expect(classify({ subject: 'Question about your catalogue', body: 'Do you ship to Norway?', knownSender: true }).priority.score).toBe(45);
    expect(classify({ subject: 'Order 2000 units ASAP', body: 'Please ship.', knownSender: true }).priority).toEqual({ score: 100, band: 'urgent' });
  });

  it('keeps spam at the bottom whatever it says', () => {
    expect(classify({ subject: 'You are a WINNER', body: 'Click here, urgent, 5000 units of crypto' }).priority).toEqual({ score: 0, band: 'low' });
  });

  it('calls an email with no signal OTHER', () => {
    expect(classify({ subject: 'Hi', body: 'See you at the fair.' })).toMatchObject({ classifications: [{ category: 'OTHER', confidence: 1 }], priority: { score: 20, band: 'low' } });
  });

  it('detects the language from common words', () => {
    expect(detectLanguage('Bitte senden Sie uns ein Angebot für die Ventile')).toBe('de');
    expect(detectLanguage('Nous voudrions une offre pour les vannes')).toBe('fr');
    expect(detectLanguage('1234')).toBe('en');
  });

  it('bands and v1 scores follow the scale', () => {
    expect([0, 24, 25, 59, 60, 84, 85, 100].map(band)).toEqual(['low', 'low', 'normal', 'normal', 'high', 'high', 'urgent', 'urgent']);
    expect([0, 4, 5, 82, 100].map(v1PriorityScore)).toEqual([1, 1, 1, 8, 10]);
  });
});

describe('v1 and v2 from one classification', () => {
  const email = {
    emailId: '6c2e8a4f-9b1d-4e7a-b5c3-2f8d6a1e4b97',
    mailbox: 'sales@acme-industrial.example.com',
    fromAddress: 'buyer@Northwind.example.com',
    fromName: 'Maria Anders',
    subject: 'Pricing for 500 units of HX-200 valves',
    receivedAt: '2025-11-24T05:31:48Z',
  };
  const result = classify({ subject: email.subject, body: 'Best price please.' });

  it('v1 carries the top category and the 1–10 score', () => {
    expect(toV1(email, result)).toEqual({
      email_id: email.emailId,
      mailbox: email.mailbox,
      from_address: email.fromAddress,
      subject: email.subject,
      received_at: email.receivedAt,
      category: 'QUOTE_REQUEST',
      priority_score: 7,
    });
  });

  it('v2 carries the ranking, the 0–100 priority, the sender and the model', () => {
    expect(toV2({ ...email, customerId: '0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84' }, result)).toMatchObject({
      sender: { address: email.fromAddress, display_name: 'Maria Anders', domain: 'northwind.example.com', customer_id: '0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84' },
      classifications: [{ category: 'QUOTE_REQUEST' }],
      priority: { score: 70, band: 'high' },
      language: 'en',
      model_version: MODEL_VERSION,
    });
  });
});

/**
 * sales/email's payloads: one classified email as both versions of the event, built from the
 * same classification so v1 and v2 consumers always agree (v1's category is v2's top category,
 * v1's 1–10 priority is v2's score divided by ten).
 */
import type { EmailClassified, EmailClassifiedV2 } from '../../../generated/types/sales.js';
import { MODEL_VERSION, v1PriorityScore, type Classified } from './classifier.js';

export interface IncomingEmail {
  readonly emailId: string;
  readonly mailbox: string;
  readonly fromAddress: string;
  readonly fromName?: string;
  readonly subject: string;
  readonly receivedAt: string;
  readonly customerId?: string;
}

export const senderDomain = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export function toV1(email: IncomingEmail, result: Classified): EmailClassified {
  return {
    email_id: email.emailId,
    mailbox: email.mailbox,
    from_address: email.fromAddress,
    subject: email.subject,
    received_at: email.receivedAt,
    category: result.classifications[0]!.category,
    priority_score: v1PriorityScore(result.priority.score),
    ...(email.customerId ? { customer_id: email.customerId } : {}),
  };
}

export function toV2(email: IncomingEmail, result: Classified): EmailClassifiedV2 {
  return {
    email_id: email.emailId,
    mailbox: email.mailbox,
    sender: {
      address: email.fromAddress,
      domain: senderDomain(email.fromAddress),
      ...(email.fromName ? { display_name: email.fromName } : {}),
      ...(email.customerId ? { customer_id: email.customerId } : {}),
    },
    subject: email.subject,
    received_at: email.receivedAt,
    language: result.language,
    classifications: result.classifications,
    priority: result.priority,
    model_version: MODEL_VERSION,
  };
}

/** The platform rules of docs/CONTRACTS.md that look across documents. */
import type { DiagnosticSink } from '../diagnostics.js';
import type { Drafts } from '../model/drafts.js';
import { checkMessages } from './messages.js';
import { checkQueues } from './queues.js';
import { checkReceives } from './receives.js';
import { checkReplies } from './replies.js';
import { checkRouting } from './routing.js';

export function checkRules(drafts: Drafts, envelopeDeclared: boolean, sink: DiagnosticSink): void {
  checkRouting(drafts, sink);
  checkReceives(drafts, sink);
  checkQueues(drafts, sink);
  checkMessages(drafts, envelopeDeclared, sink);
  checkReplies(drafts, sink);
}

import { RULES_BY_ID } from '../../../src/check/rules.js';
import { corpusSuite } from './support/corpus.js';

await corpusSuite('breaking-change corpus: messages, routing, queues, envelope and simulation', (rule) => rule !== 'no-change' && RULES_BY_ID.get(rule)?.category !== 'schema');

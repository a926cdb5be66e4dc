import { RULES_BY_ID } from '../../../src/check/rules.js';
import { corpusSuite } from './support/corpus.js';

// Schema rules here, the rest in corpus-contract.test.ts: two files compile in parallel.
await corpusSuite('breaking-change corpus: JSON Schema rules', (rule) => RULES_BY_ID.get(rule)?.category === 'schema' || rule === 'no-change');

import { readFileSync } from 'node:fs';
import { TOPOLOGY_FORMAT_VERSION, type TopologyDocument } from '../src/topology/types.js';

export class TopologyInputError extends Error {
  override readonly name = 'TopologyInputError';
}

/**
 * Reads the topology document the compiler wrote. The program trusts its shape (the compiler
 * validated the contracts), but checks what would otherwise fail late and obscurely in the
 * cloud: a missing file, another format version, and references between its lists.
 */
export function loadTopology(file: string): TopologyDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TopologyInputError(`${file}: topology document not found; run \`npm run generate\` first`);
  }
  let document: TopologyDocument;
  try {
    document = JSON.parse(text) as TopologyDocument;
  } catch (error) {
    throw new TopologyInputError(`${file}: not JSON (${(error as Error).message})`);
  }
  const problems = checkTopology(document);
  if (problems.length > 0) throw new TopologyInputError(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return document;
}

/** Cross-reference checks; an empty list means the document is usable. */
export function checkTopology(topology: TopologyDocument): string[] {
  const problems: string[] = [];
  if (topology.formatVersion !== TOPOLOGY_FORMAT_VERSION) {
    return [`formatVersion ${String(topology.formatVersion)} is not ${TOPOLOGY_FORMAT_VERSION}; regenerate with this version of eventplane`];
  }
  const vhosts = new Set(topology.vhosts.map((v) => v.name));
  const key = (vhost: string, name: string) => `${vhost}\u0000${name}`;
  const exchanges = new Set(topology.exchanges.map((e) => key(e.vhost, e.name)));
  const queues = new Set(topology.queues.map((q) => key(q.vhost, q.name)));
  const users = new Set(topology.users.map((u) => u.name));
  const unknownVhost = (where: string, vhost: string) => {
    if (!vhosts.has(vhost)) problems.push(`${where}: vhost ${vhost} is not declared`);
  };
  for (const e of topology.exchanges) unknownVhost(`exchange ${e.name}`, e.vhost);
  for (const q of topology.queues) {
    unknownVhost(`queue ${q.name}`, q.vhost);
    if (q.durable !== true) problems.push(`queue ${q.vhost}/${q.name}: must be durable`);
  }
  for (const b of topology.bindings) {
    if (!exchanges.has(key(b.vhost, b.source))) problems.push(`binding ${b.source} → ${b.destination}: no exchange ${b.vhost}/${b.source}`);
    const target = b.destinationType === 'queue' ? queues : exchanges;
    if (!target.has(key(b.vhost, b.destination))) problems.push(`binding ${b.source} → ${b.destination}: no ${b.destinationType} ${b.vhost}/${b.destination}`);
  }
  for (const p of topology.policies) unknownVhost(`policy ${p.name}`, p.vhost);
  for (const u of topology.users) unknownVhost(`user ${u.name}`, u.vhost);
  for (const p of [...topology.permissions, ...topology.topicPermissions]) {
    if (!users.has(p.user)) problems.push(`permission for ${p.user} on ${p.vhost}: no such user`);
    unknownVhost(`permission for ${p.user}`, p.vhost);
  }
  for (const t of topology.topicPermissions) {
    if (!exchanges.has(key(t.vhost, t.exchange))) problems.push(`topic permission for ${t.user}: no exchange ${t.vhost}/${t.exchange}`);
  }
  const services = new Set(topology.users.map((u) => u.service));
  if (services.size !== topology.users.length) problems.push('two broker users belong to one service');
  return problems;
}

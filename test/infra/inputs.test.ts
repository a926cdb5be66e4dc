import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseStackConfig } from '../../infra/config.js';
import { TopologyInputError, checkTopology, loadTopology } from '../../infra/topology-input.js';
import { policyDefinitionForProvider } from '../../infra/topology/provider-values.js';
import { rawStackConfig } from './support/program-under-mocks.js';
import { topologiesUnderTest } from './support/topologies.js';

describe('stack configuration', () => {
  it('fills every default from an empty stack', () => {
    const config = parseStackConfig({});
    expect(config.namespace).toBe('eventplane');
    expect(config.rabbitmq).toMatchObject({ replicas: 3, antiAffinity: 'required', zoneSpread: 'DoNotSchedule', name: 'eventplane-rabbitmq' });
    expect(config.clusterOperator).toEqual({ install: true, version: 'v2.22.3', namespace: 'rabbitmq-system' });
    expect(config.management.insecure).toBe(false);
    expect(config.tls.extraDnsNames).toEqual([]);
    expect(config.serviceDefaults).toEqual({ replicas: 2, cpu: '250m', memory: '256Mi', port: 8080 });
  });

  it('accepts the dev and prod stack files as they are', () => {
    for (const stack of ['dev', 'prod']) expect(() => parseStackConfig(rawStackConfig(stack)), stack).not.toThrow();
  });

  it('names every wrong key at once, with its full path', () => {
    let message = '';
    try {
      parseStackConfig({
        namespcae: 'x',
        rabbitmq: { replicas: 2, memmory: '1Gi', memory: 'lots' },
        tls: { issuer: { kind: 'ClusterIssuer', name: 'ca' }, secretName: 'mine' },
        services: { 'shop/order': { imgae: 'x' } },
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('eventplane:namespcae: unknown key');
    expect(message).toContain('eventplane:rabbitmq.memmory: unknown key');
    expect(message).toContain('eventplane:rabbitmq.replicas: must be one of 3, 5, 7');
    expect(message).toContain('eventplane:rabbitmq.memory: must match pattern');
    expect(message).toContain('eventplane:tls: set either issuer or secretName, not both');
    expect(message).toContain('eventplane:services.shop/order.imgae: unknown key');
  });
});

describe('the topology input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-infra-'));

  it('says how to produce a missing document', () => {
    expect(() => loadTopology(join(dir, 'missing.json'))).toThrow(/not found; run `npm run generate` first/);
  });

  it('refuses another format version and dangling references', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ formatVersion: 2 }));
    expect(() => loadTopology(file)).toThrow(TopologyInputError);
    const base = topologiesUnderTest()[0]!.document;
    const broken = { ...base, bindings: [...base.bindings, { ...base.bindings[0]!, destination: 'nowhere' }] };
    expect(checkTopology(broken)).toEqual([expect.stringMatching(/no queue .*\/nowhere/)]);
  });

  it('accepts every topology under test', () => {
    for (const topology of topologiesUnderTest()) expect(checkTopology(topology.document), topology.label).toEqual([]);
  });
});

describe('policy values for @pulumi/rabbitmq', () => {
  it('passes strings and integers, which the provider sends as they were', () => {
    expect(policyDefinitionForProvider({ 'max-length': 1000, overflow: 'reject-publish' }, 'p')).toEqual({ 'max-length': '1000', overflow: 'reject-publish' });
  });

  it('refuses what the provider would turn into another type', () => {
    expect(() => policyDefinitionForProvider({ 'ha-sync-batch-size': 1.5 }, 'p')).toThrow(/not an integer/);
    expect(() => policyDefinitionForProvider({ 'dead-letter-routing-key': '42' }, 'p')).toThrow(/string of digits/);
    expect(() => policyDefinitionForProvider({ 'single-active-consumer': true }, 'p')).toThrow(/boolean/);
  });
});

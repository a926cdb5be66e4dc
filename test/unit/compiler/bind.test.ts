/**
 * `x-bind` (docs/CONTRACTS.md, "Channel parameters"): a consumer asks for the parameter values it
 * wants, and its queue is bound with exactly those keys; a parameter it does not name stays `*`.
 * Fixture: test/fixtures/specs/bind (also applied to a real broker by
 * test/integration/runtime/bind.test.ts). Names that are no parameter and values outside a parameter's `enum` are errors at their line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../src/compiler/index.js';
import { buildTopology } from '../../../src/compiler/emit/topology.js';
import { fixtures, tempDir, writeFiles } from './support.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const remove of cleanup) await remove();
});

const streetlights = () => readFile(join(fixtures, 'bind/streetlights.yaml'), 'utf8');

const consumer = (title: string, bind: string) => `asyncapi: 3.0.0
info: { title: ${title}, version: 1.0.0 }
channels:
  lightMeasured: { $ref: './streetlights.yaml#/channels/lightMeasured' }
operations:
  onLightMeasured:
    action: receive
    channel: { $ref: '#/channels/lightMeasured' }
${bind}`;

async function load(files: Record<string, string>) {
  const dir = await tempDir('bind');
  cleanup.push(dir.remove);
  await writeFiles(dir.path, files);
  return loadContracts('.', { cwd: dir.path });
}

describe('x-bind: the parameter values a consumer asks for', () => {
  it('binds each asked value, leaves the other parameters at *, and a consumer without x-bind gets every value', { timeout: 60_000 }, async () => {
    const { model, diagnostics } = await loadContracts('.', { cwd: join(fixtures, 'bind') });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bindings = buildTopology(model!).bindings.filter((b) => b.source === 'lighting').map((b) => `${b.destination} ${b.routingKey}`);
    expect(bindings.sort()).toEqual([
      'all.lights.district.streetlightId.measured lights.*.*.measured',
      'lamp.lights.district.streetlightId.measured lights.south.42.measured',
      'north.lights.district.streetlightId.measured lights.east.*.measured',
      'north.lights.district.streetlightId.measured lights.north.*.measured',
    ]);
    expect(model!.systems.flatMap((s) => s.operations).find((o) => o.key === 'onLightMeasured' && o.service.endsWith('north'))?.bind).toEqual({ district: ['north', 'east'] });
  });

  it('refuses a name that is no parameter, a value outside the enum, a wildcard and x-bind on a send', { timeout: 60_000 }, async () => {
    const { diagnostics } = await load({
      'streetlights.yaml': (await streetlights()).replace("publishMeasurement: { action: send, channel: { $ref: '#/channels/lightMeasured' } }", "publishMeasurement: { action: send, channel: { $ref: '#/channels/lightMeasured' }, x-bind: { district: north } }"),
      'typo.yaml': consumer('Typo', '    x-bind: { distrct: north }\n'),
      'west.yaml': consumer('West', '    x-bind: { district: west }\n'),
      'star.yaml': consumer('Star', "    x-bind: { streetlightId: '*' }\n"),
    });
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file.split('/').pop()}:${d.line} ${d.message} (${d.rule})`);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^streetlights\.yaml:12 x-bind applies to receive operations only \(ep-extension\)$/),
        expect.stringMatching(/^typo\.yaml:9 x-bind names distrct, which is no parameter of channel lightMeasured \(it has district, streetlightId\) \(ep-extension\)$/),
        expect.stringMatching(/^west\.yaml:9 x-bind\.district: west is not a value of parameter district \(north, south, east\) \(ep-extension\)$/),
        expect.stringMatching(/^star\.yaml:9 x-bind\.streetlightId must be one routing-key word .*\(ep-extension\)$/),
      ]),
    );
    expect(errors).toHaveLength(4);
  });
});

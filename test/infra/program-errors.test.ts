import { describe, expect, it } from 'vitest';
import { runProgramUnderMocks } from './support/program-under-mocks.js';
import { topologiesUnderTest } from './support/topologies.js';

describe('the program refuses a stack that does not fit the topology', () => {
  it('names services without an image and configured services the contracts do not have', async () => {
    const topology = topologiesUnderTest()[0]!;
    const service = topology.document.users[0]!.service;
    const attempt = runProgramUnderMocks({
      stack: 'prod',
      topologyFile: topology.file,
      config: { serviceDefaults: { replicas: 2 }, services: { 'shop/ghost': { image: 'x' } } },
    });
    await expect(attempt).rejects.toThrow(`no image for ${service}: set eventplane:serviceDefaults.imageTemplate or eventplane:services."${service}".image`);
    await expect(attempt).rejects.toThrow('eventplane:services.shop/ghost: not a service of the topology');
  });
});

/**
 * The topology document for a contract model, from the compiler's own topology emitter: the
 * check never re-derives RabbitMQ names, so it sees exactly what `generate` writes.
 */
export { buildTopology as topologyOf } from '../compiler/emit/topology.js';

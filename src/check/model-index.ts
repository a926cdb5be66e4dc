/** Lookups over a contract model by id, built once per model. */
import type { ChannelModel, ContractModel, MessageModel, OperationModel, ServiceModel, SystemModel } from '../compiler/model.js';

export interface ModelIndex {
  readonly model: ContractModel;
  readonly systems: ReadonlyMap<string, SystemModel>;
  readonly services: ReadonlyMap<string, ServiceModel>;
  readonly channels: ReadonlyMap<string, ChannelModel>;
  readonly messages: ReadonlyMap<string, MessageModel>;
  readonly operations: ReadonlyMap<string, OperationModel>;
  /** Operations that consume a message, by message id: receives, and requests for their replies. */
  readonly receivers: ReadonlyMap<string, readonly OperationModel[]>;
  /** Operations that produce a message, by message id: sends, and repliers for their replies. */
  readonly senders: ReadonlyMap<string, readonly OperationModel[]>;
}

export function indexModel(model: ContractModel): ModelIndex {
  const systems = new Map<string, SystemModel>();
  const services = new Map<string, ServiceModel>();
  const channels = new Map<string, ChannelModel>();
  const messages = new Map<string, MessageModel>();
  const operations = new Map<string, OperationModel>();
  const receivers = new Map<string, OperationModel[]>();
  const senders = new Map<string, OperationModel[]>();
  for (const system of model.systems) {
    systems.set(system.name, system);
    for (const s of system.services) services.set(s.id, s);
    for (const c of system.channels) channels.set(c.id, c);
    for (const m of system.messages) messages.set(m.id, m);
    for (const op of system.operations) {
      operations.set(op.id, op);
      const byMessage = op.action === 'send' ? senders : receivers;
      for (const id of op.messages) byMessage.set(id, [...(byMessage.get(id) ?? []), op]);
      // A reply flows the other way: the replier (a receive) produces it, the requester consumes it.
      const byReply = op.action === 'send' ? receivers : senders;
      for (const id of op.reply?.messages ?? []) byReply.set(id, [...(byReply.get(id) ?? []), op]);
    }
  }
  return { model, systems, services, channels, messages, operations, receivers, senders };
}

/** Distinct service ids, sorted. */
export function servicesOf(operations: readonly OperationModel[] | undefined): string[] {
  return [...new Set((operations ?? []).map((op) => op.service))].sort();
}

export function majorOf(version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return Number.isNaN(major) ? 0 : major;
}

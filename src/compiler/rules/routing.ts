/**
 * Routing keys: their format (ep-routing-key), one sender per routing key
 * (ep-duplicate-routing-key) and one definition per exchange (ep-exchange-conflict).
 */
import type { DiagnosticSink, Position } from '../diagnostics.js';
import type { Drafts } from '../model/drafts.js';
import type { ChannelDraft } from '../model/drafts.js';

const EVENT_KEY = /^[a-z0-9_]+(\.[a-z0-9_]+){2,}$/;
const COMMAND_KEY = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

function where(p: Position): string {
  return `${p.file}:${p.line}`;
}

export function checkRouting(drafts: Drafts, sink: DiagnosticSink): void {
  const channels = [...drafts.channels].sort((a, b) => (a.id < b.id ? -1 : 1));
  const exchanges = new Map<string, ChannelDraft>();
  const keys = new Map<string, ChannelDraft>();
  for (const channel of channels) {
    // Direct reply-to channels have no routing key of their own (rules/replies.ts checks them).
    if (channel.directReplyTo) continue;
    checkFormat(channel, sink);
    const exchange = channel.exchange;
    // The default exchange ('') routes by queue name: nothing to conflict with.
    if (!exchange || channel.address === undefined || exchange.name === '') continue;
    const scope = `${channel.system}\0${exchange.name}`;
    const first = exchanges.get(scope);
    if (!first) exchanges.set(scope, channel);
    else if (first.exchange!.type !== exchange.type) {
      sink.error(
        channel.bindingAt,
        `exchange ${exchange.name} is ${exchange.type} here but ${first.exchange!.type} in ${first.owner.name} (${where(first.bindingAt)}): one exchange has one type`,
        'ep-exchange-conflict',
      );
    }
    const key = `${scope}\0${channel.address}`;
    const sender = keys.get(key);
    if (!sender) keys.set(key, channel);
    else {
      const who = sender.owner === channel.owner ? `channel ${sender.key} of this service` : `${sender.owner.name} (${where(sender.addressAt)})`;
      sink.error(
        channel.addressAt,
        `routing key ${channel.address} on ${exchange.name} is already sent by ${who}: a routing key has one sender`,
        'ep-duplicate-routing-key',
      );
    }
  }
}

function checkFormat(channel: ChannelDraft, sink: DiagnosticSink): void {
  const address = channel.address;
  if (address === undefined || channel.otherProtocols) return;
  const at = channel.addressAt;
  // Parameters are routing-key words the publisher fills in: check the key with a word in their place.
  const sample = address.replace(/\{[^{}]+\}/g, 'p');
  if (address === '') sink.error(at, 'the address (routing key) is empty', 'ep-address');
  else if (/[{}]/.test(sample)) sink.error(at, `address ${address} has an unbalanced { or }: a parameter is {name}`, 'ep-address');
  else if (/[*#]/.test(sample) && channel.exchange?.type === 'topic') {
    sink.error(at, `address ${address} has a wildcard: wildcards belong to bindings, not to the key a message is sent with`, 'ep-address');
  } else if (Buffer.byteLength(sample) > 255) sink.error(at, 'the address is longer than 255 bytes, the AMQP limit for routing keys', 'ep-address');
  else if (channel.parameters.length > 0 && channel.exchange?.type === 'direct' && channel.exchange.name !== '') {
    sink.error(
      at,
      `address ${address} has parameters but exchange ${channel.exchange.name} is direct: only a topic exchange lets a consumer bind to every value (*)`,
      'ep-address',
    );
  } else if (channel.exchange?.type === 'topic' && !EVENT_KEY.test(sample)) {
    sink.error(at, `event routing key ${address} must be {context}.{aggregate}.{event}: three or more lowercase segments of a-z, 0-9, _`, 'ep-routing-key');
  } else if (channel.exchange?.type === 'direct' && channel.exchange.name !== '' && !COMMAND_KEY.test(sample)) {
    sink.error(at, `command routing key ${address} must be {verb}.{noun}: two or more lowercase segments of a-z, 0-9, _`, 'ep-routing-key');
  }
}

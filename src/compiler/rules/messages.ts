/**
 * Messages: PascalCase names (ep-message-name), versions whose major is part of the name and
 * routing key (ep-version), the envelope trait applied (ep-envelope).
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { Drafts } from '../model/drafts.js';

const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function checkMessages(drafts: Drafts, envelopeDeclared: boolean, sink: DiagnosticSink): void {
  const channels = new Map(drafts.channels.map((c) => [c.id, c]));
  for (const message of drafts.messages) {
    if (!PASCAL_CASE.test(message.name)) {
      sink.error(message.nameAt, `message name ${message.name} must be PascalCase (it names the payload type)`, 'ep-message-name');
    }
    if (envelopeDeclared && message.envelopeTraits.length === 0) {
      sink.error(message.location, `message ${message.name} does not apply the Envelope trait (traits: [$ref: …/messageTraits/Envelope])`, 'ep-envelope');
    }
    if (!SEMVER.test(message.version)) continue; // reported as ep-extension
    const major = Number(message.version.split('.')[0]);
    const suffix = /V([0-9]+)$/.exec(message.name);
    const address = channels.get(message.channel)?.address;
    if (major >= 2) {
      if (!message.name.endsWith(`V${major}`)) {
        sink.error(message.nameAt, `message ${message.name} has x-version ${message.version}: a major ≥ 2 is a new message named …V${major}`, 'ep-version');
      }
      if (address !== undefined && !address.endsWith(`.v${major}`)) {
        sink.error(message.versionAt, `message ${message.name} has x-version ${message.version}: its routing key must end in .v${major} (it runs beside the old one)`, 'ep-version');
      }
    } else if (suffix && Number(suffix[1]) >= 2) {
      sink.error(message.versionAt, `message ${message.name} is named for major ${suffix[1]} but its x-version is ${message.version}`, 'ep-version');
    }
  }
}

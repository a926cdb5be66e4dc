/**
 * clinic/calendar-sync on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as appointmentsClient from '../../../../generated/clients/clinic/appointments.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { calendarSync } from '../../../../services/clinic/calendar-sync/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onAppointmentCancelled', type: 'clinic.AppointmentCancelled', sender: 'clinic/appointments', publish: (bus: Bus) => bus.publish(appointmentsClient.publishAppointmentCancelledSend, {"appointmentId":"0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b","type":"consultation","slot":{"start":"2026-03-12T09:30:00Z","end":"2026-03-12T10:00:00Z","timezone":"Europe/Madrid"},"patient":{"patientId":"5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170","fullName":"Lucía Fernández","email":"lucia.fernandez@example.com","preferredChannel":"email"},"doctor":{"doctorId":"7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"},"cancelledBy":"patient","reason":"patient_request","lateCancellation":true,"note":"Feeling better, will book again if needed."}) },
  { operation: 'onAppointmentCreated', type: 'clinic.AppointmentCreated', sender: 'clinic/appointments', publish: (bus: Bus) => bus.publish(appointmentsClient.publishAppointmentCreatedSend, {"appointmentId":"0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b","type":"consultation","slot":{"start":"2026-03-10T14:00:00Z","end":"2026-03-10T14:30:00Z","timezone":"Europe/Madrid"},"patient":{"patientId":"5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170","fullName":"Lucía Fernández","email":"lucia.fernandez@example.com","phone":"+34600123456","preferredChannel":"sms","locale":"es-ES"},"doctor":{"doctorId":"7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d","fullName":"Dr. Marta Ruiz","email":"marta.ruiz@clinic.example.com"},"location":{"clinicId":"c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8","room":"2B"},"bookedBy":"patient","reason":"Persistent knee pain after running"}) },
  { operation: 'onAppointmentRescheduled', type: 'clinic.AppointmentRescheduled', sender: 'clinic/appointments', publish: (bus: Bus) => bus.publish(appointmentsClient.publishAppointmentRescheduledSend, {"appointmentId":"0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b","type":"consultation","previousSlot":{"start":"2026-03-10T14:00:00Z","end":"2026-03-10T14:30:00Z","timezone":"Europe/Madrid"},"slot":{"start":"2026-03-12T09:30:00Z","end":"2026-03-12T10:00:00Z","timezone":"Europe/Madrid"},"patient":{"patientId":"5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170","fullName":"Lucía Fernández","email":"lucia.fernandez@example.com","phone":"+34600123456","preferredChannel":"sms","locale":"es-ES"},"doctor":{"doctorId":"7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d","fullName":"Dr. Marta Ruiz"},"rescheduledBy":"doctor","reason":"Doctor attending a conference"}) },
];

const senders = {
  'clinic/appointments': defineService({ service: appointmentsClient.appointmentsService, sends: sendsOf(appointmentsClient), setup: () => {} }),
};

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;
const started = new Map<string, RunningService>();

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(calendarSync, options);
  for (const [id, definition] of Object.entries(senders)) started.set(id, await startService(definition, options));
}, 180_000);

afterAll(async () => {
  for (const running of started.values()) await running.close();
  await service?.close();
  await store?.close();
  transport.close();
});

/** The service's counter `name` for messages of `type` (its /metrics). */
async function counter(name: string, type: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && line.includes(`type="${type}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

describe('clinic/calendar-sync', () => {
  it('is ready', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it.each(deliveries)('handles $type ($operation)', async ({ type, sender, publish }) => {
    await publish(started.get(sender)!.bus);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const failed = (await counter('eventplane_retried_total', type)) + (await counter('eventplane_dead_lettered_total', type));
      expect(failed, `${type} was retried or dead-lettered: see the handler's error in the log (TEST_LOG_LEVEL=info)`).toBe(0);
      if ((await counter('eventplane_handled_total', type)) >= 1) break;
      if (Date.now() > deadline) throw new Error(`${type} was not handled within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it("keeps the doctor's calendar and serves it as an iCalendar feed", async () => {
    const doctor = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
    const calendar = (await (await fetch(`${service.url}/doctors/${doctor}/calendar`)).json()) as any;
    // Three changes applied to one entry; the room given at booking survives the later events.
    expect(calendar.entries).toMatchObject([{ appointmentId: '0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b', sequence: 2, room: '2B', doctorName: 'Dr. Marta Ruiz' }]);
    const ics = await fetch(`${service.url}/doctors/${doctor}/calendar.ics`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const text = await ics.text();
    expect(text).toContain('UID:0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b@clinic.eventplane\r\n');
    expect(text).toContain('SEQUENCE:2\r\n');
    expect(text).not.toContain('Lucía');
  });
});

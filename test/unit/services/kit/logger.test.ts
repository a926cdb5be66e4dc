import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { appointmentsService } from '../../../../generated/clients/clinic/appointments.js';
import { paymentService } from '../../../../generated/clients/shop/payment.js';
import { createLogger } from '../../../../src/service-kit/logger.js';

/** A logger writing into an array of parsed JSON lines. */
function capture(personalData: readonly string[] | undefined): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ service: 'test/svc', level: 'info', destination, ...(personalData ? { personalData } : {}) });
  return { log, lines };
}

/** What the logger writes in place of a censored value. */
const REDACTED = '[redacted]';

describe('service logger: the redaction list comes from the contracts', () => {
  it('the generated descriptor lists the fields marked x-pii, not the unmarked ones', () => {
    expect(appointmentsService.personalData).toEqual(expect.arrayContaining(['patient', 'email', 'phone', 'fullName']));
    expect(appointmentsService.personalData).not.toContain('appointmentId');
    expect(paymentService.personalData).toEqual(['billingAddress', 'paymentMethodToken']);
  });

  it('censors a marked field at any of three depths and keeps an unmarked one', () => {
    const { log, lines } = capture(appointmentsService.personalData);
    const patient = { patientId: 'p-1', fullName: 'Lucía Fernández', email: 'lucia@example.com', preferredChannel: 'email' };
    log.info({ patient, appointmentId: 'a-1' }, 'top level');
    log.info({ payload: { patient, appointmentId: 'a-1' } }, 'one down');
    log.info({ payload: { doctor: { email: 'dr@example.com', doctorId: 'd-1' } } }, 'two down');
    expect(lines[0]).toMatchObject({ patient: '[redacted]', appointmentId: 'a-1' });
    expect(lines[1]).toMatchObject({ payload: { patient: '[redacted]', appointmentId: 'a-1' } });
    expect(lines[2]).toMatchObject({ payload: { doctor: { email: '[redacted]', doctorId: 'd-1' } } });
    expect(JSON.stringify(lines)).not.toMatch(/lucia|Lucía|dr@example/);
  });

  it('another service’s contracts mark other fields: what they do not mark is logged', () => {
    const { log, lines } = capture(paymentService.personalData);
    log.info({ payload: { paymentMethodToken: 'pm_secret123', checkoutId: 'c-1', patient: 'not a payment field' } }, 'payment');
    expect(lines[0]).toMatchObject({ payload: { paymentMethodToken: '[redacted]', checkoutId: 'c-1', patient: 'not a payment field' } });
  });

  it('always censors credentials, and names that are not identifiers', () => {
    const { log, lines } = capture(['from-address']);
    const password = randomUUID();
    log.info({ password, headers: { authorization: 'Bearer x' }, 'from-address': 'a@b.example', nested: { 'from-address': 'c@d.example' } }, 'secrets');
    expect(lines[0]).toMatchObject({ password: REDACTED, headers: { authorization: '[redacted]' }, 'from-address': '[redacted]', nested: { 'from-address': '[redacted]' } });
  });
});

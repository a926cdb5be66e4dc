/** SQL for the appointments table; every write goes through the caller's transaction. */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { Appointment, Cancellation } from './domain.js';

interface Row {
  id: string;
  status: 'booked' | 'cancelled';
  type: Appointment['type'];
  slot_start: Date | string;
  slot_end: Date | string;
  timezone: string;
  patient: Appointment['patient'];
  doctor: Appointment['doctor'];
  location: Appointment['location'] | null;
  reason: string | null;
  booked_by: Appointment['bookedBy'];
  cancellation: Cancellation | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function fromRow(row: Row): Appointment {
  return {
    id: row.id,
    status: row.status,
    type: row.type,
    slot: { start: iso(row.slot_start), end: iso(row.slot_end), timezone: row.timezone },
    patient: row.patient,
    doctor: row.doctor,
    ...(row.location ? { location: row.location } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    bookedBy: row.booked_by,
    ...(row.cancellation ? { cancellation: row.cancellation } : {}),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface ListFilter {
  doctorId?: string;
  patientId?: string;
  status?: 'booked' | 'cancelled';
  from?: string;
  to?: string;
  limit: number;
}

export class AppointmentRepository {
  constructor(private readonly table: string) {}

  async get(sql: Sql, id: string, lock = false): Promise<Appointment | undefined> {
    const { rows } = await sql.query<Row>(`SELECT * FROM ${this.table} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async byIdempotencyKey(sql: Sql, key: string): Promise<Appointment | undefined> {
    const { rows } = await sql.query<Row>(`SELECT * FROM ${this.table} WHERE idempotency_key = $1`, [key]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async list(sql: Sql, filter: ListFilter): Promise<Appointment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.doctorId) add('doctor_id = ?', filter.doctorId);
    if (filter.patientId) add(`patient->>'patientId' = ?`, filter.patientId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.from) add('slot_end > ?', filter.from);
    if (filter.to) add('slot_start < ?', filter.to);
    params.push(filter.limit);
    const { rows } = await sql.query<Row>(
      `SELECT * FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY slot_start LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  /**
   * Serialises bookings of one doctor until commit, so two requests for overlapping slots cannot
   * both pass the overlap check (PGlite has no btree_gist for an exclusion constraint).
   */
  async lockDoctor(tx: Transaction, doctorId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('clinic.appointments.doctor'), hashtext($1))`, [doctorId]);
  }

  /** Another booked appointment of the doctor overlapping [start, end), if any. */
  async overlapping(tx: Transaction, doctorId: string, start: string, end: string, except?: string): Promise<string | undefined> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM ${this.table}
       WHERE doctor_id = $1 AND status = 'booked' AND slot_start < $3 AND slot_end > $2 AND ($4::uuid IS NULL OR id <> $4::uuid)
       LIMIT 1`,
      [doctorId, start, end, except ?? null],
    );
    return rows[0]?.id;
  }

  async insert(tx: Transaction, appointment: Appointment, idempotencyKey: string | undefined): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table}
         (id, status, type, slot_start, slot_end, timezone, doctor_id, patient, doctor, location, reason, booked_by, idempotency_key, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13, $14, $15, $16)`,
      [
        appointment.id,
        appointment.status,
        appointment.type,
        appointment.slot.start,
        appointment.slot.end,
        appointment.slot.timezone,
        appointment.doctor.doctorId,
        JSON.stringify(appointment.patient),
        JSON.stringify(appointment.doctor),
        appointment.location ? JSON.stringify(appointment.location) : null,
        appointment.reason ?? null,
        appointment.bookedBy,
        idempotencyKey ?? null,
        appointment.version,
        appointment.createdAt,
        appointment.updatedAt,
      ],
    );
  }

  /** Saves a changed appointment; the version must still be `expectedVersion` (the row is locked by the caller). */
  async update(tx: Transaction, appointment: Appointment, expectedVersion: number): Promise<void> {
    const { rowCount } = await tx.query(
      `UPDATE ${this.table}
       SET status = $2, slot_start = $3, slot_end = $4, timezone = $5, doctor_id = $6, doctor = $7::jsonb, location = $8::jsonb,
           reason = $9, cancellation = $10::jsonb, version = $11, updated_at = $12
       WHERE id = $1 AND version = $13`,
      [
        appointment.id,
        appointment.status,
        appointment.slot.start,
        appointment.slot.end,
        appointment.slot.timezone,
        appointment.doctor.doctorId,
        JSON.stringify(appointment.doctor),
        appointment.location ? JSON.stringify(appointment.location) : null,
        appointment.reason ?? null,
        appointment.cancellation ? JSON.stringify(appointment.cancellation) : null,
        appointment.version,
        appointment.updatedAt,
        expectedVersion,
      ],
    );
    if (rowCount !== 1) throw new Error(`appointment ${appointment.id} changed concurrently`);
  }
}

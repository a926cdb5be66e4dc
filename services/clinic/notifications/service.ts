/**
 * clinic/notifications — the worker behind `apt.notifications.queue`. For each appointment
 * event, in ONE transaction with the event's inbox row: update the doctor's booked slots, queue
 * the notifications (sent afterwards by the dispatcher through the pluggable sender), write the
 * audit entry. A redelivered event is skipped; a crash at any point neither loses nor repeats
 * an effect.
 *
 * HTTP (read side): the doctor's availability, the notifications and the audit log of an
 * appointment.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/clinic/notifications.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { NotificationDispatcher } from './dispatcher.js';
import { handlers } from './handlers.js';
import { notificationsRepository } from './repository.js';
import { registerRoutes } from './routes.js';
import { JsonlFileSender, LogSender, type NotificationSender } from './senders.js';

export interface NotificationsOptions {
  /** Replace the sender chosen from the environment (tests, other channels). */
  readonly sender?: NotificationSender;
}

export function notificationsService(options: NotificationsOptions = {}) {
  return defineService<Config>({
    service: client.notificationsService,
    description: "Keeps doctors' availability, notifies patients and doctors, and writes the audit log, from the appointment events.",
    sends: sendsOf(client),
    env,
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      const { store, log } = kit;
      const repo = notificationsRepository(kit.db);
      const sender = options.sender ?? (kit.config.NOTIFICATIONS_FILE ? new JsonlFileSender(kit.config.NOTIFICATIONS_FILE) : new LogSender(log));
      const dispatcher = new NotificationDispatcher({ store, table: repo.notificationsTable, sender, log, metrics: kit.metrics, pollMs: kit.config.NOTIFICATIONS_POLL_MS });
      kit.onStart(() => dispatcher.start());
      kit.onClose(() => dispatcher.stop());
      registerRoutes(kit, repo);
      const received = handlers(kit, repo, dispatcher);
      return { subscribe: (bus) => client.subscribeNotifications(bus, received) };
    },
  });
}

export const notifications = notificationsService();

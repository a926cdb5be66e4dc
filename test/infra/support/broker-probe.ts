import type { ChannelModel, ConfirmChannel } from 'amqplib';

/** How the broker answered one attempt: done, or the channel was closed with an AMQP reply code. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: number | undefined; readonly message: string };

/**
 * Runs one operation on a fresh confirm channel and reports whether the broker allowed it.
 * A refusal (403 ACCESS_REFUSED and the like) closes the channel, not the connection, so a
 * test can try many things with one login.
 */
export async function attempt(connection: ChannelModel, operation: (channel: ConfirmChannel) => Promise<unknown>): Promise<Outcome> {
  const channel = await connection.createConfirmChannel();
  let refusal: { code: number | undefined; message: string } | undefined;
  const closed = new Promise<void>((resolve) => {
    channel.on('error', (error: Error & { code?: number }) => {
      refusal = { code: error.code, message: error.message };
    });
    channel.on('close', () => resolve());
  });
  try {
    await operation(channel);
    await channel.close();
    return { ok: true };
  } catch (error) {
    // The broker closes the channel right after refusing; bounded, so a broken broker fails the test instead of hanging it.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 15_000);
    });
    await Promise.race([closed, bound]);
    clearTimeout(timer);
    return refusal ? { ok: false, ...refusal } : { ok: false, code: undefined, message: (error as Error).message };
  }
}

/** Publishes and waits for the broker's confirm: a refusal closes the channel instead. */
export async function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, body: string, messageId: string): Promise<void> {
  channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true, messageId, contentType: 'application/json' });
  await channel.waitForConfirms();
}

/** Polls `check` until it returns a value, at most `timeoutMs`; never a fixed sleep. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

import { describe, expect, it } from 'vitest';
import { memoryNotice, type BrokerChoice } from '../../../scripts/memory-notice.js';

const installed: BrokerChoice = { memoryRequested: false, amqpUrlSet: false, rabbitmqInstalled: true, cannotRunNodes: undefined };

describe('npm start: the in-memory notice says what is true', () => {
  it('uses a real broker (no notice) when RabbitMQ can run here or AMQP_URL is set', () => {
    expect(memoryNotice(installed)).toBeUndefined();
    expect(memoryNotice({ ...installed, rabbitmqInstalled: false, amqpUrlSet: true })).toBeUndefined();
  });

  it('--memory with RabbitMQ installed does not tell the user to install it', () => {
    const notice = memoryNotice({ ...installed, memoryRequested: true });
    expect(notice?.reason).toBe('you asked for --memory');
    expect(notice?.advice).not.toMatch(/Install RabbitMQ/);
    expect(notice?.advice).toMatch(/without --memory/);
    expect(notice?.advice).toMatch(/rabbitmq-server is installed/);
  });

  it('--memory with AMQP_URL set points at that broker', () => {
    const notice = memoryNotice({ ...installed, memoryRequested: true, amqpUrlSet: true });
    expect(notice?.advice).toMatch(/without --memory.*AMQP_URL/);
    expect(notice?.advice).not.toMatch(/Install RabbitMQ/);
  });

  it('--memory without RabbitMQ advises installing it or AMQP_URL', () => {
    const notice = memoryNotice({ ...installed, memoryRequested: true, rabbitmqInstalled: false });
    expect(notice?.advice).toMatch(/Install RabbitMQ .*or set AMQP_URL/);
  });

  it('no RabbitMQ and no AMQP_URL: the reason says so and the advice is to install', () => {
    const notice = memoryNotice({ ...installed, rabbitmqInstalled: false });
    expect(notice?.reason).toMatch(/not installed/);
    expect(notice?.advice).toMatch(/Install RabbitMQ/);
  });

  it('installed but not runnable by this user: the reason is the blocker, the advice is not to install', () => {
    const notice = memoryNotice({ ...installed, cannotRunNodes: 'local RabbitMQ nodes run as the rabbitmq user' });
    expect(notice?.reason).toBe('local RabbitMQ nodes run as the rabbitmq user');
    expect(notice?.advice).not.toMatch(/Install RabbitMQ/);
    expect(notice?.advice).toMatch(/root/);
  });
});

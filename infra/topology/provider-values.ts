import * as pulumi from '@pulumi/pulumi';
import type { ArgumentValue } from '../../src/topology/types.js';

/**
 * @pulumi/rabbitmq takes a policy definition as a map of strings, and the provider turns a
 * value back into a number only when it parses as an integer; every other value is sent as
 * a string. So an integer survives the trip, while a boolean, a fraction or a string that
 * looks like an integer would reach the broker as something else. Refuse those here, with
 * the key, rather than let `pulumi up` create a policy the contract did not mean.
 */
export function policyDefinitionForProvider(definition: Readonly<Record<string, ArgumentValue>>, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(definition)) {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new pulumi.RunError(`${where}: ${key} = ${value} is not an integer; @pulumi/rabbitmq would send it as a string`);
      out[key] = String(value);
    } else if (typeof value === 'string') {
      if (/^[-+]?[0-9]+$/.test(value)) {
        throw new pulumi.RunError(`${where}: ${key} = "${value}" is a string of digits; @pulumi/rabbitmq would send it as a number`);
      }
      out[key] = value;
    } else {
      throw new pulumi.RunError(`${where}: ${key} = ${String(value)} is a boolean; @pulumi/rabbitmq can only send strings and integers`);
    }
  }
  return out;
}

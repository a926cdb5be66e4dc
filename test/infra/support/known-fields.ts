import { resolve } from 'node:path';
import ts from 'typescript';

/**
 * The JSON schemas inside kubernetes-models allow unknown properties, as the API server's
 * own validation used to: a misspelt `readinesProbe` validates and is silently dropped by
 * Kubernetes. This walks a rendered object against the TypeScript declaration of its kind
 * (kubernetes-models, the prometheus-operator and cert-manager models, and eventplane's
 * RabbitmqCluster types) and reports every field the declaration does not have.
 */
const KINDS = {
  'v1/Namespace': ["import type { INamespace as T } from 'kubernetes-models/v1/Namespace';"],
  'v1/Secret': ["import type { ISecret as T } from 'kubernetes-models/v1/Secret';"],
  'v1/ConfigMap': ["import type { IConfigMap as T } from 'kubernetes-models/v1/ConfigMap';"],
  'v1/Service': ["import type { IService as T } from 'kubernetes-models/v1/Service';"],
  'apps/v1/Deployment': ["import type { IDeployment as T } from 'kubernetes-models/apps/v1/Deployment';"],
  'policy/v1/PodDisruptionBudget': ["import type { IPodDisruptionBudget as T } from 'kubernetes-models/policy/v1/PodDisruptionBudget';"],
  'networking.k8s.io/v1/NetworkPolicy': ["import type { INetworkPolicy as T } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';"],
  'monitoring.coreos.com/v1/ServiceMonitor': ["import type { IServiceMonitor as T } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';"],
  'monitoring.coreos.com/v1/PodMonitor': ["import type { IPodMonitor as T } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';"],
  'monitoring.coreos.com/v1/PrometheusRule': ["import type { IPrometheusRule as T } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';"],
  'cert-manager.io/v1/Certificate': ["import type { ICertificate as T } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';"],
  'cert-manager.io/v1/Issuer': ["import type { IIssuer as T } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';"],
  'rabbitmq.com/v1beta1/RabbitmqCluster': ["import type { RabbitmqCluster as T } from '../../../infra/rabbitmq/rabbitmq-cluster-types.js';"],
} as const;

export type KnownKind = keyof typeof KINDS;

export function isKnownKind(kind: string): kind is KnownKind {
  return kind in KINDS;
}

let cached: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

/** Compiles one virtual module aliasing every kind's declaration, once per test file. */
function declarations() {
  if (cached) return cached;
  const file = resolve(import.meta.dirname, '__kinds__.ts');
  const source = Object.entries(KINDS)
    .map(([, [line]], i) => `${line.replace(' as T ', ` as T${i} `)}\nexport type Kind${i} = T${i};`)
    .join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
  if (errors.length > 0) {
    throw new Error(`declarations did not compile: ${errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')).join('; ')}`);
  }
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const exports = checker.getExportsOfModule(module);
  const types = new Map<string, ts.Type>();
  Object.keys(KINDS).forEach((kind, i) => {
    const symbol = exports.find((s) => s.name === `Kind${i}`)!;
    types.set(kind, checker.getDeclaredTypeOfSymbol(symbol));
  });
  cached = { checker, types };
  return cached;
}

/** `path: unknown field` for each property of `value` that the kind's declaration lacks. */
export function unknownFields(kind: KnownKind, value: unknown): string[] {
  const { checker, types } = declarations();
  const problems: string[] = [];
  walk(checker, value, types.get(kind)!, kind, problems);
  return problems;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, path: string, problems: string[]): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  const type = checker.getNonNullableType(declared);
  const members = type.isUnion() ? type.types : [type];
  if (Array.isArray(value)) {
    const element = members.map((m) => checker.getIndexTypeOfType(m, ts.IndexKind.Number)).find((t) => t !== undefined);
    if (!element) return void problems.push(`${path}: an array where the declaration has none`);
    value.forEach((item, i) => walk(checker, item, element, `${path}[${i}]`, problems));
    return;
  }
  const objects = members.filter((m) => (m.flags & ts.TypeFlags.Object) !== 0 && checker.getIndexTypeOfType(m, ts.IndexKind.Number) === undefined);
  if (objects.length === 0) return void problems.push(`${path}: an object where the declaration has ${checker.typeToString(type)}`);
  // Of a union, use the member that accepts the most keys (unions here are "one of several shapes").
  const keys = Object.keys(value);
  const accepts = (m: ts.Type, key: string) => m.getProperty(key) !== undefined || checker.getIndexTypeOfType(m, ts.IndexKind.String) !== undefined;
  const best = objects.reduce((a, b) => (keys.filter((k) => accepts(b, k)).length > keys.filter((k) => accepts(a, k)).length ? b : a));
  for (const key of keys) {
    const property = best.getProperty(key);
    const child = `${path}.${key}`;
    if (property) {
      walk(checker, (value as Record<string, unknown>)[key], checker.getTypeOfSymbol(property), child, problems);
    } else {
      const index = checker.getIndexTypeOfType(best, ts.IndexKind.String);
      if (index) walk(checker, (value as Record<string, unknown>)[key], index, child, problems);
      else problems.push(`${child}: unknown field`);
    }
  }
}

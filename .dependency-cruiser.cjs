/**
 * The layering of docs/ARCHITECTURE.md ("Layers and doors") as rules: `npm run depcheck`, run by
 * .ci/run before the tests. Type-only imports count (tsPreCompilationDeps), so a type cycle or
 * a type reaching into another layer's internals fails like any other import.
 */
/** Folders of src/ a layer may import, besides itself and src/shared (the leaf every layer may use). */
const mayImport = {
  shared: [],
  topology: [],
  broker: [],
  compiler: ['topology'],
  runtime: ['topology'],
  durable: ['runtime', 'topology'],
  'service-kit': ['durable', 'runtime', 'topology'],
  catalog: ['compiler', 'topology'],
  check: ['compiler', 'topology', 'broker'],
  'local-cluster': ['topology', 'broker'],
  // The service scaffold reads the contract model and names things as the client emitter does.
  scaffold: ['compiler'],
  // The command line is the top of src/: it may use every library, nothing may use it.
  cli: ['compiler', 'topology', 'runtime', 'durable', 'catalog', 'check', 'broker', 'local-cluster', 'service-kit', 'scaffold'],
};
const layers = Object.keys(mayImport);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle (type-only ones included) ties modules that should be understood and changed separately.',
      from: {},
      to: { circular: true },
    },
    ...layers.map((layer) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer} may import only ${['shared', ...mayImport[layer]].map((l) => `src/${l}`).join(', ')} (docs/ARCHITECTURE.md, "Layers and doors").`,
      from: { path: `^src/${layer}/` },
      to: { path: '^(src|services|generated|scripts|bench|test|infra)/', pathNot: `^src/(${[layer, 'shared', ...mayImport[layer]].join('|')})/` },
    })),
    {
      name: 'service-public-doors',
      severity: 'error',
      comment:
        'A service uses the platform through its public entry points only (package.json "exports": src/runtime, src/durable, src/service-kit index files) and the generated code; everything else is an internal that may change under it.',
      from: { path: '^services/[^/]+/[^/]+/' },
      to: {
        path: '^(src|scripts|bench|test|infra)/',
        pathNot: '^src/(runtime|durable|service-kit)/index\\.ts$',
      },
    },
    {
      name: 'service-own-folder',
      severity: 'error',
      comment: "A service imports its own files and its system's _shared folder, never another service's.",
      from: { path: '^services/([^/]+)/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/($2|_shared)/' },
    },
    {
      name: 'generated-self-contained',
      severity: 'error',
      comment: 'generated/ must compile anywhere: it imports only itself.',
      from: { path: '^generated/' },
      to: { path: '^(src|services|scripts|bench|test|infra)/' },
    },
    {
      name: 'infra-reads-topology',
      severity: 'error',
      comment: 'The Pulumi program is a function of the topology document: it imports its types and nothing else of src/.',
      from: { path: '^infra/' },
      to: { path: '^(src|services|scripts|bench|test)/', pathNot: '^src/(topology|shared)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing would fail at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

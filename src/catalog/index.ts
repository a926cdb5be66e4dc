/** The event catalog: a static site rendered from the contract model. */
export { buildCatalog, writeCatalog, type BuildCatalogOptions, type BuildCatalogResult, type BuildTimings } from './build.js';
export { renderCatalog } from './render.js';
export type { CatalogInput } from './catalog-view.js';
export { serveCatalog, type CatalogServer } from './serve.js';
export { OutputDirectoryError } from './write-site.js';

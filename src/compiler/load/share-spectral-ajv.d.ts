/** Makes spectral reuse one set of ajv instances across documents (see the .js file for why). */
export declare function shareSpectralAjv(): void;
